"""Facts about writing systems that more than one text module relies on."""

import re

# Scripts written without spaces between words: Thai, Lao, Myanmar, Khmer, Japanese kana, and the Han
# ideographs of Chinese and Japanese. There a word cannot be found by its spaces; counting each character
# as a word is the honest approximation.
UNSPACED_CHARACTER = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uf900-\ufaff\U00020000-\U0003134f]"
)
