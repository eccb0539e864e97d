"""Publishing: the chapter's audio assembled and encoded (`assemble`), its ID3 tags
(`id3`), transcript (`transcript`) and cover (`cover`), the podcast feed (`feed`) and
server (`serve`), the whole book as an M4B (`audiobook`); whether an output is current
(`freshness`)."""
