"""Build small but genuine Argos Translate packages (ar→en) for tests and benchmarks.

A package is what ``argostranslate.package.install_from_path`` installs: a zip (``.argosmodel``)
of one folder holding ``metadata.json``, a CTranslate2 model in ``model/`` and the
``sentencepiece.model`` shared by source and target. The model here is a real CTranslate2
Transformer with seeded random weights, so its English is nonsense, but it is produced by the
same code path as a real Argos model. Everything is deterministic: same arguments, same bytes.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SEED_DIR = REPO / "tests" / "fixtures" / "seeds"

# English text, so the shared vocabulary has English pieces (and the HTML entities that
# real Argos ar→en models emit) to decode to.
ENGLISH_TEXT = """\
The Iranian president arrived in Russia on Friday to sign a broad cooperation treaty.
The two leaders will discuss trade, energy and military cooperation.
Officials said the agreement covers all areas, from trade to culture.
The minister&apos;s statement was published on the ministry&apos;s website.
He said: &quot;We are ready for a new phase of partnership.&quot;
Prices rose by 3.5 percent last month, according to the central bank.
The government announced new measures to support the economy and reduce inflation.
Thousands of people attended the meeting in the capital, the agency reported.
The United Nations called for calm and an immediate end to the fighting.
Talks between the delegations will continue next week in the capital.
"""


@dataclass(frozen=True)
class ModelShape:
    """The size of a Transformer: layers, width, feed-forward width, heads."""

    encoder_layers: int = 1
    decoder_layers: int = 1
    d_model: int = 32
    ffn: int = 64
    heads: int = 2


TINY = ModelShape()
TRANSFORMER_BASE = ModelShape(6, 6, 512, 2048, 8)


def seed_sentences() -> list[str]:
    """Training lines for SentencePiece: seed articles (sorted) then English, fixed order."""
    lines: list[str] = []
    for path in sorted(SEED_DIR.glob("*.txt")):
        lines += [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    lines += ENGLISH_TEXT.splitlines()
    return [line for line in lines if line]


def train_sentencepiece(vocab_size: int, sentences: list[str] | None = None) -> bytes:
    """A unigram SentencePiece model trained deterministically (one thread, fixed order)."""
    import sentencepiece as spm

    out = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences or seed_sentences()),
        model_writer=out,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        num_threads=1,
        shuffle_input_sentence=False,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    return out.getvalue()


def sentencepiece_vocabulary(model: bytes) -> list[str]:
    """The pieces of a SentencePiece model, in id order (``<unk>``, ``<s>``, ``</s>``, ...)."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def _weights(spec, shape: ModelShape, vocabulary: list[str], seed: int) -> None:
    """Fill every weight of a TransformerSpec with seeded random values."""
    rng = np.random.default_rng(seed)
    d, f = shape.d_model, shape.ffn
    vocab_size, eos_id = len(vocabulary), vocabulary.index("</s>")
    latin = np.array([any("a" <= c.lower() <= "z" for c in p) for p in vocabulary])
    word = np.array([p.startswith("▁") for p in vocabulary])

    def normal(*dims: int, scale: float) -> np.ndarray:
        return (rng.standard_normal(dims) * scale).astype(np.float32)

    def norm(ln) -> None:
        ln.gamma = np.ones(d, np.float32)
        ln.beta = np.zeros(d, np.float32)

    def ffn(layer) -> None:
        norm(layer.layer_norm)
        layer.linear_0.weight = normal(f, d, scale=d**-0.5)
        layer.linear_1.weight = normal(d, f, scale=f**-0.5)

    encoder, decoder = spec.encoder, spec.decoder
    encoder.embeddings[0].weight = normal(vocab_size, d, scale=d**-0.5)
    norm(encoder.layer_norm)
    for layer in encoder.layer:
        norm(layer.self_attention.layer_norm)
        layer.self_attention.linear[0].weight = normal(3 * d, d, scale=d**-0.5)
        layer.self_attention.linear[1].weight = normal(d, d, scale=d**-0.5)
        ffn(layer.ffn)
    decoder.embeddings.weight = normal(vocab_size, d, scale=d**-0.5)
    norm(decoder.layer_norm)
    for layer in decoder.layer:
        norm(layer.self_attention.layer_norm)
        layer.self_attention.linear[0].weight = normal(3 * d, d, scale=d**-0.5)
        layer.self_attention.linear[1].weight = normal(d, d, scale=d**-0.5)
        norm(layer.attention.layer_norm)
        layer.attention.linear[0].weight = normal(d, d, scale=d**-0.5)
        layer.attention.linear[1].weight = normal(2 * d, d, scale=d**-0.5)
        layer.attention.linear[2].weight = normal(d, d, scale=d**-0.5)
        ffn(layer.ffn)
    decoder.projection.weight = normal(vocab_size, d, scale=2.0 * (32 / d) ** 0.5)
    # Only pieces with Latin letters are emitted, so the output looks like (nonsense) English.
    bias = np.where(latin, np.where(word, 0.0, -WORD_BIAS), -30.0)
    decoder.projection.bias = bias.astype(np.float32)
    _end_sentences(decoder, d, eos_id)


WORD_BIAS = 8.0


def _end_sentences(decoder, d: int, eos_id: int) -> None:
    """Make ``</s>`` likelier at each step, so the nonsense sentences end after ~20 tokens.

    Two dimensions of the decoder's residual stream are reserved for the sinusoidal position
    encoding (no embedding or layer writes to them); the ``</s>`` logit reads them.
    """
    k = max(1, (d // 2) * 5 // 16)  # sin(t * 10000^(-k/(d/2-1))): rises over the first ~30 steps
    sin_dim, cos_dim = k, d // 2 + k
    decoder.embeddings.weight[:, [sin_dim, cos_dim]] = 0
    for layer in decoder.layer:
        for linear in (
            layer.self_attention.linear[1],
            layer.attention.linear[2],
            layer.ffn.linear_1,
        ):
            linear.weight[[sin_dim, cos_dim], :] = 0
    decoder.projection.weight[eos_id, :] = 0
    decoder.projection.weight[eos_id, sin_dim] = 100.0
    decoder.projection.weight[eos_id, cos_dim] = -100.0
    decoder.projection.bias[eos_id] = 0.0


def build_ctranslate2_model(
    out_dir: Path, vocabulary: list[str], shape: ModelShape, *, seed: int = 0
) -> None:
    """Save a Transformer with ``shape`` and a shared ``vocabulary`` to ``out_dir`` (int8)."""
    from ctranslate2.specs import TransformerSpec

    spec = TransformerSpec.from_config((shape.encoder_layers, shape.decoder_layers), shape.heads)
    _weights(spec, shape, vocabulary, seed)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization="int8")
    spec.save(str(out_dir))


def build_package_dir(
    root: Path,
    *,
    shape: ModelShape = TINY,
    vocab_size: int = 600,
    model_vocab_size: int | None = None,
    seed: int = 0,
    version: str = "1.0",
    name: str = "translate-ar_en-test",
) -> Path:
    """Write an unzipped Argos package folder ``root/name`` and return it.

    ``model_vocab_size`` pads the CTranslate2 vocabulary with unused pieces (for a model with
    the embedding size of a real one when the seed text is too small to train that many pieces).
    """
    sp_model = train_sentencepiece(vocab_size)
    vocabulary = sentencepiece_vocabulary(sp_model)
    if model_vocab_size:
        vocabulary += [f"<extra_{i}>" for i in range(model_vocab_size - len(vocabulary))]
    pkg = root / name
    (pkg / "model").mkdir(parents=True)
    build_ctranslate2_model(pkg / "model", vocabulary, shape, seed=seed)
    (pkg / "sentencepiece.model").write_bytes(sp_model)
    metadata = {
        "package_version": version,
        "argos_version": "1.11.0",
        "from_code": "ar",
        "from_name": "Arabic",
        "to_code": "en",
        "to_name": "English",
        "type": "translate",
        "links": [],
    }
    (pkg / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    (pkg / "README.md").write_text(
        "Test package for digest: random weights, nonsense output.\n", encoding="utf-8"
    )
    return pkg


def zip_package(pkg: Path, dest: Path) -> Path:
    """Zip a package folder into a ``.argosmodel`` (sorted entries, fixed timestamps)."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(pkg.rglob("*")):
            arcname = path.relative_to(pkg.parent).as_posix() + ("/" if path.is_dir() else "")
            info = zipfile.ZipInfo(arcname, date_time=(2025, 1, 1, 0, 0, 0))
            info.external_attr = (0o40755 if path.is_dir() else 0o100644) << 16
            data = b"" if path.is_dir() else path.read_bytes()
            zf.writestr(info, data, zipfile.ZIP_DEFLATED)
    return dest


def build_argos_package(dest_dir: Path, **options) -> Path:
    """Build a ``.argosmodel`` file in ``dest_dir`` and return its path."""
    work = dest_dir / "build"
    pkg = build_package_dir(work, **options)
    return zip_package(pkg, dest_dir / f"{pkg.name}-{options.get('version', '1.0')}.argosmodel")
