// narrator review: click to hear, highlight while playing, corrections as an overrides file.
"use strict";
(() => {
  const data = JSON.parse(document.getElementById("data").textContent);
  const player = document.getElementById("player");
  const segments = Array.from(document.querySelectorAll(".seg[data-start]"));
  const starts = segments.map((s) => parseFloat(s.dataset.start));
  let active = null;

  // The segment heard at time t: the last to start at or before it.
  function at(t) {
    let lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] <= t + 0.001) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found < 0 ? null : segments[found];
  }

  function highlight() {
    const now = at(player.currentTime);
    if (now === active) return;
    if (active) active.classList.remove("speaking");
    if (now) {
      now.classList.add("speaking");
      if (!player.paused) now.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
    active = now;
  }

  for (const seg of segments) {
    seg.addEventListener("click", () => {
      player.currentTime = parseFloat(seg.dataset.start);
      highlight();
      player.play().catch(() => {}); // no sound device, or autoplay refused: the seek stands
    });
  }
  for (const event of ["timeupdate", "seeked", "seeking"]) player.addEventListener(event, highlight);

  // Corrections: what the page shows at first, what the file already says, what changed.
  const existing = new Map(data.existing.map((o) => [o.quote + "\u0000" + o.occurrence, o.speaker]));
  const chosen = new Map(existing);
  const yaml = document.getElementById("yaml");
  const count = document.getElementById("count");

  function entries() {
    return Array.from(chosen, ([key, speaker]) => {
      const [quote, occurrence] = key.split("\u0000");
      return { quote, occurrence: Number(occurrence), speaker };
    });
  }

  // A YAML list of flow mappings; JSON strings are YAML double-quoted scalars.
  function render() {
    const list = entries();
    yaml.value = list.length
      ? "# Who says what in " + data.chapter + ": read by narrator script and build.\n" +
        list.map((o) => "- {quote: " + JSON.stringify(o.quote) + ", speaker: " +
          JSON.stringify(o.speaker) + (o.occurrence > 1 ? ", occurrence: " + o.occurrence : "") +
          "}").join("\n") + "\n"
      : "";
    const changed = list.length - existing.size +
      Array.from(existing).filter(([k, v]) => chosen.has(k) && chosen.get(k) !== v).length;
    count.textContent = list.length
      ? list.length + " in the file (" + Math.max(changed, 0) + " made on this page)."
      : "None yet.";
  }

  for (const menu of document.querySelectorAll("select.who")) {
    menu.addEventListener("change", () => {
      const quote = data.quotes[menu.dataset.i];
      const key = quote.quote + "\u0000" + quote.occurrence;
      const seg = document.querySelector('.seg[data-i="' + menu.dataset.i + '"]');
      const speaker = menu.value;
      if (speaker === quote.speaker && !existing.has(key)) chosen.delete(key);
      else chosen.set(key, speaker);
      seg.classList.remove(data.classes[seg.dataset.speaker], "doubtful");
      seg.classList.add(data.classes[speaker], "corrected");
      seg.dataset.speaker = speaker;
      seg.title = speaker + ": your correction";
      render();
    });
  }

  document.getElementById("download").addEventListener("click", () => {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([yaml.value], { type: "text/yaml" }));
    link.download = data.file;
    document.body.append(link);
    link.click();
    link.remove();
  });
  document.getElementById("copy").addEventListener("click", () => {
    yaml.select();
    if (navigator.clipboard) navigator.clipboard.writeText(yaml.value).catch(() => document.execCommand("copy"));
    else document.execCommand("copy");
  });
  render();
})();
