"""Page furniture inside article text: what it looks like, and which paragraphs a segment keeps.

Scraped news carries its site's furniture: a copyright and re-use notice, a media
registration number, the editor's address, a comment form, "subscribe to our Telegram", a
photo credit, a cookie banner, teasers of other stories. Left in, furniture pulls unrelated
articles of one site (or of every site using one CMS) into one event. Two signals find it:

- *seed patterns* below, in bg, ru, uk and en, for the kinds every site has (written for
  align from furniture seen in real pages, ``../shared/eval/bsnlp-dev`` among them); a
  paragraph matching one is furniture wherever it appears;
- *repetition*, learned from the store (:mod:`align.ingest.boilerplate`): a paragraph that
  recurs across many articles of one outlet, or across outlets on many days, is furniture.

Nothing is deleted: the article keeps its text; each segment gets a *matching text* without
furniture paragraphs and a record of what was left out and why. A segment with nothing left
is furniture itself and never becomes or joins an event.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

# kind of furniture → patterns searched (case-insensitive) in one paragraph
_SEEDS: dict[str, list[str]] = {
    "legal notice": [
        r"all rights reserved", r"©|\(c\)\s*\d{4}|copyright", r"все права защищены", r"усі права захищені",
        r"всички права запазени", r"использование (любых )?материалов.{0,80}разрешается",
        r"використання (будь-яких )?матеріалів.{0,80}дозволяється", r"материалы.{0,60}не подлежат.{0,40}воспроизвед",
        r"матеріали.{0,60}не підлягають.{0,40}відтворенн", r"при (полном или частичном )?(использовании|цитировании|"
        r"перепечатке).{0,60}(ссылка|гиперссылка)", r"обязательна.{0,40}(ссылка|гиперссылка)",
        r"гіперпосилання.{0,40}обов.язков", r"са собственост на .{0,80}(закрила|авторско)",
        r"под закрила на .{0,40}закона за авторското право", r"могут быть воспроизведены в любых сми",
        r"не отражают (позицию|точку зрения) редакции", r"не відображають позицію редакції",
        r"публикуются на правах рекламы", r"на правах реклами",
    ],
    "registration notice": [
        r"свидетельств[оа]? о регистрации", r"эл\s*№\s*фс\s*\d", r"зарегистрирован[оа]? (роскомнадзором|в федеральной "
        r"службе)", r"свідоцтво про (державну )?реєстрацію", r"реєстраційн\w+ (номер|свідоцтво)",
        r"регистрирано в .{0,40}(регистър|агенция)",
    ],
    "contact": [
        r"главный редактор\s*:", r"головний редактор\s*:", r"главен редактор\s*:", r"адрес редакции",
        r"адреса редакції", r"телефон редакции", r"e-?mail редакции", r"пишете ни на", r"write to us at",
        r"учредитель\s*:", r"засновник\s*:", r"издател\s*:",
    ],
    "comment form": [
        r"leave a (reply|comment)", r"your email address will not be published", r"required fields are marked",
        r"ваш e-?mail.{0,40}не (будет|буде) (опубликован|показываться|оприлюднен)", r"обсуждение закрыто",
        r"доступ к чату заблокирован", r"показать (больше|еще|ещё) комментари", r"всего комментариев",
        r"осталось символов", r"(авторизуйтесь|зарегистрируйтесь|войдите)[,!]? чтобы.{0,40}коммент",
        r"авторизуйся или зарегистрируйся", r"войдите через соцсети", r"введенный e-?mail содержит ошибки",
        r"пароль может содержать", r"текст содержит недопустимые символы", r"сначала новые\s*сначала старые",
        r"нет учетной записи\?", r"залиш(те|ити) коментар", r"оставить комментарий", r"коментарите са на",
        r"правила (комментирования|коментування)", r"нецензурная лексика, ругань",
    ],
    "subscription appeal": [
        r"(подписывайтесь|подпишитесь|підписуйтесь|підписуйтеся|абонирайте се|subscribe)\b.{0,80}"
        r"(канал|telegram|телеграм|viber|рассылк|розсилк|newsletter|бюлетин|дзен|youtube)",
        r"(читайте|следите|слідкуйте|стежте|последвайте)\b.{0,60}(telegram|телеграм|канал[еіу]?\b|viber|facebook|"
        r"фейсбук)", r"оставайтесь в курсе", r"хочете отримувати.{0,40}новини", r"не пропускайте (новости|новини)",
        r"(support|donate to|поддержите|підтримайте|подкрепете) .{0,40}(journalism|журналистик|журналістик|"
        r"редакци|медия)",
    ],
    "cookie notice": [
        r"\bcookies?\b.{0,80}(use|использ|використов|сайт|site)", r"бисквитки", r"продовжуючи переглядати",
        r"продолжая (просмотр|использовать) сайт", r"политик\w+ конфиденциальности", r"політик\w+ конфіденційності",
    ],
    "error report": [r"ctrl\s*\+\s*enter", r"(заметили|увидели|помітили) (ошибку|опечатку|помилку)"],
    "photo or video credit": [
        r"^\s*(фото|photo|снимка|видео|video|відео|кадр)\s*:", r"^\s*(смотреть|дивитись|дивитися|гледайте|watch) "
        r"(видео|відео|video)\b", r"^\s*(фото|photo)\s*(:|—|-)?\s*(reuters|ap|afp|epa|getty|тасс|риа|bta|бта)",
    ],
    "navigation": [
        r"^\s*(смотрите|читайте|вижте|прочетете|дивіться|читайте) (также|ещё|еще|також|още|і|и)\s*:?\s*$",
        r"^\s*(related|read more|see also|по теме|по темі|още по темата)\s*:?\s*$", r"^\s*поделиться\b",
        r"^\s*поділитися\b", r"^\s*сподели\b", r"^\s*share\b",
    ],
}
SEED_RES: dict[str, re.Pattern[str]] = {kind: re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
                                        for kind, patterns in _SEEDS.items()}
_KEY_RE = re.compile(r"\d+")
SHORT_LINE = 80  # characters: a line this short is furniture whatever its numbers (a timestamp, a video length)
_SPACE_RE = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    text: str


def paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs of a cleaned text (one per line) with their spans."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        chunk = m.group(0)
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            out.append(Paragraph(m.start() + lead, m.start() + len(chunk.rstrip()), chunk.strip()))
    return out


def paragraph_key(paragraph: str) -> str:
    """The same paragraph however case and punctuation vary; in a short line, numbers too
    ("Смотреть видео 01:56" and "Смотреть видео 26:07" share a key, two daily reports that
    differ in their figures do not)."""
    text = paragraph.lower()
    if len(text) <= SHORT_LINE:
        text = _KEY_RE.sub("0", text)
    bare = _SPACE_RE.sub(" ", text).strip()
    return hashlib.sha1(bare.encode("utf-8")).hexdigest()[:16]


def seed_reason(paragraph: str, max_chars: int) -> str | None:
    """The kind of furniture a paragraph is by the seed patterns (None when it is not, or when
    it is too long to be furniture: a news paragraph may quote a registration number)."""
    if len(paragraph) > max_chars:
        return None
    for kind, rx in SEED_RES.items():
        if rx.search(paragraph):
            return kind
    return None


Junk = Callable[[str], str | None]  # paragraph → why it is furniture, or None


def matching_text(text: str, junk: Junk, min_words: int) -> tuple[str, list[tuple[str, str]]]:
    """A segment's text without furniture, and what was left out with the reason. Empty when
    what is left has fewer than ``min_words`` words: no event can be told in that."""
    kept: list[str] = []
    removed: list[tuple[str, str]] = []
    for p in paragraphs(text):
        why = junk(p.text)
        if why is None:
            kept.append(p.text)
        else:
            removed.append((p.text, why))
    left = "\n".join(kept)
    if len(re.findall(r"[^\W\d_]{2,}", left)) < min_words:
        if left.strip():
            removed.append((left, f"fewer than {min_words} words left"))
        return "", removed
    return left, removed


def looks_like_boilerplate(text: str, max_chars: int = 600) -> bool:
    """True when every paragraph of ``text`` is furniture by the seed patterns (evaluation's judge)."""
    found = paragraphs(text)
    return bool(found) and all(seed_reason(p.text, max_chars) for p in found)
