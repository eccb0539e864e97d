"""Side commands built on the pipeline's public functions: a starter cast (`init`), a
voice sample (`preview`), who speaks how often (`speakers`), the review page (`review`)
and the every-word check (`verify`)."""
