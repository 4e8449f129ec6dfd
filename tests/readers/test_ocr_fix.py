"""Syllable rules and the OCR correction pass (no Tesseract needed)."""

from __future__ import annotations

from theodoi.extract.ocr_fix import Lexicon, correct
from theodoi.extract.syllables import is_syllable, split_tone, variants, with_tone


def test_it_accepts_well_formed_syllables():
    for word in ["tổ", "chuyển", "nghiệp", "quốc", "giữ", "gìn", "khuya", "hoặc", "thuở",
                 "yêu", "Đổi", "ướt", "kiểm"]:
        assert is_syllable(word), word


def test_it_rejects_broken_spelling_rules():
    # k before a, c before e, a stop final with huyền tone, ngh before o, y-rhyme after t
    for word in ["ka", "ce", "tàc", "ngho", "tyên", "xyz", "ngăc" + "\u0303", "cem"]:
        assert not is_syllable(word), word


def test_tone_marks_go_where_spelling_puts_them():
    assert with_tone("hoa", "\u0300") == "hoà"
    assert with_tone("quôc", "\u0301") == "quốc"
    assert with_tone("gia", "\u0300") == "già"
    assert with_tone("chuyên", "\u0309") == "chuyển"
    assert split_tone("Tổ") == ("Tô", "\u0309")


def test_variants_are_the_syllables_with_other_marks():
    found = variants("Tố")
    assert found[0] == "tố" and "tổ" in found and "tơ" in found
    assert "hằng" in variants("hãng")
    assert all(is_syllable(v) for v in variants("đối"))


LEXICON = Lexicon.from_texts(["Vụ Tổ chức cán bộ", "Cục Chuyển đổi số quốc gia",
                              "Trung tâm Thông tin", "Hằng năm"])


def test_correction_picks_the_marks_that_make_known_word_pairs():
    assert correct("Tố chức triển khai", LEXICON) == "Tổ chức triển khai"
    assert correct("Cục Chuyến đối số quốc gÌa", LEXICON) == "Cục Chuyển đổi số quốc gia"
    assert correct("Hãng năm", LEXICON) == "Hằng năm"
    assert correct("thông tỉn", LEXICON) == "thông tin"


def test_correction_leaves_words_the_lexicon_cannot_decide():
    assert correct("đối với từng lĩnh vực", LEXICON) == "đối với từng lĩnh vực"
    assert correct("tố cáo, chức năng", LEXICON) == "tố cáo, chức năng"  # comma ends the pair


def test_look_alike_capitals_are_lowered_inside_lower_case_text():
    assert correct("đến CƠ SỞ", LEXICON) == "đến cơ sở"
    assert correct("xã hội SỐ; và", LEXICON) == "xã hội số; và"
    assert correct("QUYẾT ĐỊNH SỐ", LEXICON) == "QUYẾT ĐỊNH SỐ"
    assert correct("Chính phủ (CGC) hoạt", LEXICON) == "Chính phủ (CGC) hoạt"


def test_glued_syllables_are_parted_again():
    assert correct("chuyên tráchvề công nghệ", LEXICON) == "chuyên trách về công nghệ"
    assert correct("phátsinh", LEXICON) == "phát sinh"
    # no Vietnamese mark: a foreign word, left alone
    assert correct("video infographic internet", LEXICON) == "video infographic internet"


def test_punctuation_and_bullets_are_put_right():
    assert correct("hội thảo,hội nghị", LEXICON) == "hội thảo, hội nghị"
    assert correct("số 1,5 triệu", LEXICON) == "số 1,5 triệu"
    assert correct("~ Trung tâm\n~ Khung", LEXICON) == "- Trung tâm\n- Khung"


def test_mixed_case_look_alikes_are_lowered():
    assert correct("công nghệ sỐ.", LEXICON) == "công nghệ số."
    assert correct("iPhone và TTg", LEXICON) == "iPhone và TTg"


def test_the_shared_lexicon_knows_the_word_pairs_of_typed_administrative_text():
    # hỏi read as sắc in words no agency name holds: the typed-text pairs decide them
    assert correct("hoạt động ốn định") == "hoạt động ổn định"
    assert correct("tuyến dụng, bồi dưỡng") == "tuyển dụng, bồi dưỡng"
    assert correct("Phố biến, tuyên truyền, thúc đấy") == "Phổ biến, tuyên truyền, thúc đẩy"
    assert correct("trao đối, chia sẻ") == "trao đổi, chia sẻ"
    # a real word whose pairs are known stays as read
    assert correct("thành phố trực thuộc trung ương") == "thành phố trực thuộc trung ương"


def _pairs_builder():  # scripts/ is no package: load the builder from its file
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "scripts" / "build_ocr_pairs.py"
    spec = importlib.util.spec_from_file_location("build_ocr_pairs", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_pair_list_drops_rare_pairs_and_typos_of_a_commoner_twin():
    builder = _pairs_builder()
    texts = ["chuyển đổi số"] * 11 + ["chuyển đối số", "chuyển đối số", "một lần"]
    pairs = builder.frequent_pairs(texts)
    assert "chuyển đổi" in pairs and "đổi số" in pairs
    assert "chuyển đối" not in pairs      # 2 beside 11, under a fifth: a typo
    assert "một lần" not in pairs         # seen once


def test_the_pair_list_is_built_from_no_scanned_fixture():
    builder = _pairs_builder()
    assert not any(p.name.startswith(builder.SCANNED_SEEDS) for p in builder.sources())
