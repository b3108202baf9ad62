#!/usr/bin/env python3
"""Generates tests/corpus/guard.jsonl: the guard's labeled corpus.

Every secret here is synthetic: mnemonics from random entropy, ID numbers with made-up serials and computed check
characters, MRZ lines for invented people, keys from random bytes. Nothing belongs to a real person or wallet.

Run from the crate root:  python3 tests/corpus/gen_guard_corpus.py
Deterministic (fixed seed): re-running produces the same file.
"""

import hashlib
import json
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORDLISTS = os.path.join(ROOT, "src", "guard", "wordlists")
# Overridable for experiments (another seed gives a fresh sample of the same distribution).
OUT = os.environ.get("GUARD_CORPUS_OUT", os.path.join(ROOT, "tests", "corpus", "guard.jsonl"))

rng = random.Random(int(os.environ.get("GUARD_CORPUS_SEED", "20240603")))

LANGS = ["english", "chinese_simplified", "chinese_traditional", "japanese", "korean", "spanish", "french",
         "italian", "czech", "portuguese"]
LISTS = {}
for lang in LANGS:
    with open(os.path.join(WORDLISTS, lang + ".txt"), encoding="utf-8") as f:
        LISTS[lang] = [w for w in f.read().split("\n") if w]
    assert len(LISTS[lang]) == 2048, lang

ZW = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060"]


# ---------------------------------------------------------------------------------------------------- helpers

def mnemonic_indices(words):
    """BIP39: entropy of 11*words - words/3 bits, checksum = first words/3 bits of SHA-256."""
    ent_bits = words * 11 - words // 3
    entropy = bytes(rng.getrandbits(8) for _ in range(ent_bits // 8))
    cs_bits = words // 3
    h = hashlib.sha256(entropy).digest()
    bits = "".join(f"{b:08b}" for b in entropy) + f"{h[0]:08b}"[:cs_bits]
    return [int(bits[i * 11:(i + 1) * 11], 2) for i in range(words)]


def bad_checksum_indices(words):
    idx = mnemonic_indices(words)
    while True:
        idx2 = list(idx)
        idx2[-1] = (idx2[-1] + rng.randrange(1, 2048)) % 2048
        if not checksum_ok(idx2):
            return idx2


def checksum_ok(idx):
    n = len(idx)
    bits = "".join(f"{i:011b}" for i in idx)
    cs = n // 3
    ent = bits[:n * 11 - cs]
    entropy = int(ent, 2).to_bytes(len(ent) // 8, "big")
    h = hashlib.sha256(entropy).digest()
    return f"{h[0]:08b}"[:cs] == bits[n * 11 - cs:]


def fullwidth(s, digits_only=False):
    out = []
    for c in s:
        if "0" <= c <= "9" or (not digits_only and ("a" <= c.lower() <= "z")):
            out.append(chr(ord(c) + 0xFEE0))
        else:
            out.append(c)
    return "".join(out)


def zero_width(s, rate=0.3):
    out = []
    for c in s:
        out.append(c)
        if rng.random() < rate:
            out.append(rng.choice(ZW))
    return "".join(out)


def keycaps(digits):
    return "".join(d + "\ufe0f\u20e3" for d in digits)


def rand_digits(n, first_nonzero=True):
    s = str(rng.randint(1, 9)) if first_nonzero else str(rng.randint(0, 9))
    return s + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def rand_hex(n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(b):
    n = int.from_bytes(b, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    pad = len(b) - len(b.lstrip(b"\0"))
    return "1" * pad + out


def b58check(payload):
    chk = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    return b58encode(payload + chk)


def wif(compressed=True):
    key = bytes(rng.getrandbits(8) for _ in range(32))
    payload = b"\x80" + key + (b"\x01" if compressed else b"")
    return b58check(payload)


def xprv():
    chain = bytes(rng.getrandbits(8) for _ in range(32))
    key = bytes(rng.getrandbits(8) for _ in range(32))
    depth = rng.choice([0, 1, 3])
    fp = b"\0\0\0\0" if depth == 0 else bytes(rng.getrandbits(8) for _ in range(4))
    child = (0).to_bytes(4, "big") if depth == 0 else rng.getrandbits(31).to_bytes(4, "big")
    version = rng.choice([bytes.fromhex("0488ade4"), bytes.fromhex("04b2430c"), bytes.fromhex("049d7878")])
    return b58check(version + bytes([depth]) + fp + child + chain + b"\0" + key)


def xpub_like():
    chain = bytes(rng.getrandbits(8) for _ in range(32))
    key = b"\x02" + bytes(rng.getrandbits(8) for _ in range(32))
    return b58check(bytes.fromhex("0488b21e") + b"\0" + b"\0\0\0\0" + b"\0\0\0\0" + chain + key)


def tron_address():
    return b58check(b"\x41" + bytes(rng.getrandbits(8) for _ in range(20)))


def btc_address():
    return b58check(b"\x00" + bytes(rng.getrandbits(8) for _ in range(20)))


# Chinese resident ID --------------------------------------------------------------------------------------

COUNTIES = ["110101", "110105", "310104", "310115", "440305", "440106", "330106", "320102", "510107", "420106",
            "500103", "610113", "210102", "370202", "350203", "430104", "120101", "130102", "410105", "530102"]


def cn_check(body):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * wi for c, wi in zip(body, w))
    return "10X98765432"[s % 11]


def cn_id():
    y = rng.randint(1955, 2004)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    body = rng.choice(COUNTIES) + f"{y:04d}{m:02d}{d:02d}" + f"{rng.randint(0, 999):03d}"
    return body + cn_check(body)


def cn_id_with_x():
    while True:
        i = cn_id()
        if i.endswith("X"):
            return i


def hk_check(letters, digits):
    vals = [36] * (2 - len(letters)) + [ord(c) - 55 for c in letters] + [int(d) for d in digits]
    s = sum(v * w for v, w in zip(vals, range(9, 1, -1)))
    c = (11 - s % 11) % 11
    return "A" if c == 10 else str(c)


def hkid():
    letters = rng.choice("ABCDEGHKMPRVZ") if rng.random() < 0.85 else rng.choice(["XA", "WX", "CA"])
    digits = rand_digits(6, first_nonzero=False)
    return letters, digits, hk_check(letters, digits)


TW_CODES = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                    [10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, 22, 35, 23, 24, 25, 26, 27, 28, 29, 32, 30,
                     31, 33]))


def tw_id():
    while True:
        letter = rng.choice("ABCDEFGHJKLMNPQRSTUVXYWZIO")
        body = rng.choice("12") + rand_digits(7, first_nonzero=False)
        n = TW_CODES[letter]
        s = n // 10 + (n % 10) * 9 + sum(int(d) * w for d, w in zip(body, [8, 7, 6, 5, 4, 3, 2, 1]))
        check = (10 - s % 10) % 10
        return letter + body + str(check)


# MRZ -----------------------------------------------------------------------------------------------------

def mrz_check(field):
    def val(c):
        if c.isdigit():
            return int(c)
        if c == "<":
            return 0
        return ord(c) - 55
    return str(sum(val(c) * [7, 3, 1][i % 3] for i, c in enumerate(field)) % 10)


SURNAMES = ["WANG", "LI", "ZHANG", "LIU", "CHEN", "SMITH", "NGUYEN", "GARCIA", "MULLER", "TANAKA", "KIM", "SILVA"]
GIVEN = ["WEI", "FANG", "MING", "JUN", "ANNA", "JOHN", "MARIA", "LUCA", "YUKI", "MIN", "JOAO", "XIAO<LING"]
COUNTRIES = ["CHN", "HKG", "TWN", "USA", "GBR", "DEU", "JPN", "KOR", "VNM", "BRA", "ITA", "FRA", "UTO"]


def mrz_date(lo, hi):
    return f"{rng.randint(lo, hi):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"


def name_field(width):
    n = rng.choice(SURNAMES) + "<<" + rng.choice(GIVEN)
    return (n + "<" * width)[:width]


def td3():
    c = rng.choice(COUNTRIES)
    l1 = ("P<" + c + name_field(39))[:44]
    num = rng.choice("EGKP") + rand_digits(8, first_nonzero=False)
    dob = mrz_date(60, 99)
    exp = mrz_date(26, 35)
    personal = "<" * 14 if rng.random() < 0.6 else (rand_digits(10) + "<<<<")
    pc = mrz_check(personal) if personal.strip("<") else "<"
    l2 = num + mrz_check(num) + c + dob + mrz_check(dob) + rng.choice("MF") + exp + mrz_check(exp) + personal + pc
    comp = mrz_check(l2[0:10] + l2[13:20] + l2[21:43])
    l2 += comp
    assert len(l1) == 44 and len(l2) == 44
    return l1, l2


def td2():
    c = rng.choice(COUNTRIES)
    l1 = ("I<" + c + name_field(31))[:36]
    num = rng.choice("CDI") + rand_digits(8, first_nonzero=False)
    dob = mrz_date(60, 99)
    exp = mrz_date(26, 35)
    opt = "<<<<<<<"
    l2 = num + mrz_check(num) + c + dob + mrz_check(dob) + rng.choice("MF") + exp + mrz_check(exp) + opt
    l2 += mrz_check(l2[0:10] + l2[13:20] + l2[21:35])
    assert len(l1) == 36 and len(l2) == 36
    return l1, l2


def td1():
    c = rng.choice(COUNTRIES)
    num = rng.choice("CDI") + rand_digits(8, first_nonzero=False)
    l1 = ("I<" + c + num + mrz_check(num) + "<" * 15)[:30]
    dob = mrz_date(60, 99)
    exp = mrz_date(26, 35)
    l2 = dob + mrz_check(dob) + rng.choice("MF") + exp + mrz_check(exp) + c + "<" * 11
    l2 += mrz_check(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    l3 = name_field(30)
    assert len(l1) == 30 and len(l2) == 30 and len(l3) == 30
    return l1, l2, l3


# ---------------------------------------------------------------------------------------------------- corpus

rows = []


def secret(text, kind):
    rows.append({"text": text, "label": "secret", "kind": kind})


def chatter(text):
    rows.append({"text": text, "label": "chatter", "kind": ""})


def words_of(lang, idx):
    return [LISTS[lang][i] for i in idx]


def join_words(lang, ws):
    return ("\u3000" if lang == "japanese" else " ").join(ws)


def numbered(ws, style):
    if style == "dot":
        return " ".join(f"{i + 1}. {w}" for i, w in enumerate(ws))
    if style == "paren":
        return "\n".join(f"{i + 1}) {w}" for i, w in enumerate(ws))
    if style == "dun":
        return " ".join(f"{i + 1}、{w}" for i, w in enumerate(ws))
    if style == "brackets":
        return " ".join(f"({i + 1}) {w}" for i, w in enumerate(ws))
    if style == "newline":
        return "\n".join(ws)
    if style == "comma":
        return ", ".join(ws)
    if style == "emoji":
        return " 🔑 ".join(ws)
    if style == "zh_comma":
        return "，".join(ws)
    raise ValueError(style)


def mixed_case(ws):
    return [w.upper() if rng.random() < 0.3 else (w.capitalize() if rng.random() < 0.5 else w) for w in ws]


TRAD_SEED_CTX = ["助記詞", "錢包助記詞", "恢復詞", "種子詞"]
SEED_CTX_ZH = ["助记词", "我的助记词", "钱包助记词", "助记词是", "种子词", "恢复词"]
SEED_CTX_EN = ["my seed phrase:", "seed:", "recovery phrase", "mnemonic:", "here is my secret phrase",
               "wallet words", "backup phrase ->"]

# Seed phrases: every language, every valid length, with separators, numbering and obfuscations.
for lang in LANGS:
    for n in [12, 24, 15, 18, 21, 12]:
        ws = words_of(lang, mnemonic_indices(n))
        if lang.startswith("chinese"):
            secret(" ".join(ws), "seed_phrase")
        else:
            secret(join_words(lang, ws), "seed_phrase")

for _ in range(16):
    lang = rng.choice(["english", "english", "spanish", "french", "italian", "portuguese", "czech", "korean"])
    ws = words_of(lang, mnemonic_indices(rng.choice([12, 24])))
    style = rng.choice(["dot", "paren", "dun", "brackets", "newline", "comma", "emoji", "zh_comma"])
    secret(numbered(ws, style), "seed_phrase")

for _ in range(8):
    ws = words_of("english", mnemonic_indices(12))
    secret(" ".join(mixed_case(ws)), "seed_phrase")
for _ in range(8):
    ws = words_of("english", mnemonic_indices(rng.choice([12, 18, 24])))
    secret(zero_width(" ".join(ws), 0.15), "seed_phrase")
for _ in range(4):
    ws = words_of("english", mnemonic_indices(12))
    secret(fullwidth(" ".join(ws)), "seed_phrase")
for _ in range(6):
    ws = words_of("english", mnemonic_indices(12))
    secret(rng.choice(SEED_CTX_EN) + " " + " ".join(ws), "seed_phrase")
for _ in range(6):
    ws = words_of("english", mnemonic_indices(12))
    secret(rng.choice(SEED_CTX_ZH) + "：" + " ".join(ws) + " 帮我看看钱包为什么是空的", "seed_phrase")

# Chinese mnemonics: spaced, numbered, traditional, with context, unspaced blocks.
for _ in range(8):
    lang = rng.choice(["chinese_simplified", "chinese_traditional"])
    ws = words_of(lang, mnemonic_indices(rng.choice([12, 24])))
    style = rng.choice(["dot", "dun", "newline", "comma", "zh_comma", "brackets"])
    secret(numbered(ws, style), "seed_phrase")
for _ in range(6):
    ws = words_of("chinese_simplified", mnemonic_indices(12))
    secret(rng.choice(SEED_CTX_ZH) + "：" + "".join(ws), "seed_phrase")
for _ in range(4):
    ws = words_of("chinese_traditional", mnemonic_indices(12))
    secret(rng.choice(TRAD_SEED_CTX) + " " + " ".join(ws), "seed_phrase")
for _ in range(4):
    ws = words_of("chinese_simplified", mnemonic_indices(12))
    secret(zero_width("\u3000".join(ws), 0.2), "seed_phrase")
for _ in range(3):
    ws = words_of("chinese_simplified", mnemonic_indices(12))
    secret("".join(ws), "seed_phrase")

# Copied from a two-column grid (1 7 / 2 8 / …), dashes between words, inside a longer message.
for _ in range(4):
    ws = words_of("english", mnemonic_indices(12))
    secret("\n".join(f"{i + 1}. {ws[i]}   {i + 7}. {ws[i + 6]}" for i in range(6)), "seed_phrase")
for _ in range(3):
    ws = words_of("english", mnemonic_indices(12))
    secret("-".join(ws), "seed_phrase")
for _ in range(4):
    ws = words_of(rng.choice(["english", "spanish", "italian"]), mnemonic_indices(12))
    secret("hi admin, wallet shows zero balance, I imported " + " ".join(ws) + " into the app, what happened?",
           "seed_phrase")

# Context saves a partial or mistyped phrase.
for _ in range(5):
    ws = words_of("english", mnemonic_indices(12))[:rng.choice([8, 9, 10])]
    secret("my seed phrase starts with " + " ".join(ws), "seed_phrase")
for _ in range(4):
    ws = words_of("english", bad_checksum_indices(12))
    secret("mnemonic: " + " ".join(ws) + " is it correct?", "seed_phrase")
for _ in range(4):
    ws = words_of("chinese_simplified", mnemonic_indices(12))[:8]
    secret("助记词前8个 " + " ".join(ws), "seed_phrase")
for _ in range(3):
    ws = words_of("japanese", mnemonic_indices(12))
    secret("シードフレーズ：" + "\u3000".join(ws), "seed_phrase")
for _ in range(3):
    idx = mnemonic_indices(12)
    ws = [w.replace("á", "a").replace("é", "e").replace("í", "i").replace("ó", "o").replace("ú", "u")
          for w in words_of("spanish", idx)]
    secret(" ".join(ws), "seed_phrase")

# Chinese resident IDs.
ID_CTX = ["身份证号", "身份证号码：", "身份證號碼", "我的身份证是", "id number:", "ID:", "sfz", "证件号", "实名认证用的 ",
          "KYC 提交的身份证 "]
for _ in range(12):
    i = cn_id()
    secret(rng.choice(ID_CTX) + i, "id_number")
for _ in range(6):
    i = cn_id()
    secret(f"帮我查下 {i} 这个实名为什么失败", "id_number")
for _ in range(4):
    i = cn_id_with_x()
    secret("身份证 " + (i if rng.random() < 0.5 else i.lower()), "id_number")
for _ in range(5):
    i = cn_id()
    secret("身份证号 " + f"{i[:6]} {i[6:14]} {i[14:]}", "id_number")
for _ in range(4):
    i = cn_id()
    secret("id: " + f"{i[:6]}-{i[6:10]}-{i[10:14]}-{i[14:]}", "id_number")
for _ in range(5):
    i = cn_id()
    secret("身份證：" + fullwidth(i), "id_number")
for _ in range(4):
    i = cn_id()
    secret(zero_width(i, 0.4), "id_number")
for _ in range(3):
    i = cn_id()
    secret(i, "id_number")

# HKID and Taiwan IDs.
for _ in range(8):
    letters, digits, check = hkid()
    form = rng.choice(["{l}{d}({c})", "HKID {l}{d}({c})", "香港身份证 {l}{d}（{c}）", "my hkid is {l}{d}{c}",
                       "{l}{d} ({c})"])
    secret(form.format(l=letters, d=digits, c=check), "id_number")
for _ in range(8):
    t = tw_id()
    form = rng.choice(["身分證字號 {t}", "{t}", "我的身分證是{t}", "ID {t} 可以嗎", "{tl}"])
    secret(form.format(t=t, tl=t.lower()), "id_number")

# Passports.
PASSPORT_FORMS = ["护照号 {p}", "護照號碼：{p}", "passport no. {p}", "my passport number is {p}", "{p} 是我的护照号",
                  "passport: {p} expires 2030", "护照号码是{p}请帮我审核", "passport #{p}"]
for _ in range(14):
    p = rng.choice([rng.choice("EGKPS") + rand_digits(8, False), "E" + rng.choice("ABCD") + rand_digits(7, False),
                    rand_digits(9), rng.choice("ABCX") + rand_digits(7, False)])
    secret(rng.choice(PASSPORT_FORMS).format(p=p if rng.random() < 0.6 else p.lower()), "id_number")

# MRZ.
for _ in range(6):
    l1, l2 = td3()
    secret(l1 + "\n" + l2, "mrz")
for _ in range(2):
    l1, l2 = td3()
    secret(l2, "mrz")
for _ in range(2):
    l1, l2 = td3()
    secret(zero_width(l1 + "\n" + l2, 0.05).lower(), "mrz")
for _ in range(4):
    l1, l2 = td2()
    secret("MRZ\n" + l1 + "\n" + l2, "mrz")
for _ in range(5):
    l1, l2, l3 = td1()
    secret("\n".join([l1, l2, l3]), "mrz")
for _ in range(2):
    l1, l2 = td3()
    secret(fullwidth(l1 + "\n" + l2), "mrz")

# Verification codes.
CODE_FORMS_ZH = ["验证码 {c}", "我的验证码是{c}", "驗證碼：{c}", "短信验证码{c}，怎么一直提示错误", "谷歌验证码 {c}",
                 "谷歌验证 {c} 过期了吗", "动态码是{c}", "校验码：{c}", "邮箱验证码 {c} 帮我看看", "{c} 是验证码",
                 "刚收到的验证码 {c}", "短信码{c}"]
CODE_FORMS_EN = ["verification code {c}", "my verification code is {c}", "OTP: {c}", "2FA code {c}",
                 "google authenticator {c}", "sms code {c}, it says invalid", "the code is {c}", "GA {c}",
                 "{c} is the code", "auth code: {c}", "code {c} pls help", "here is my 2fa {c}"]
for _ in range(16):
    c = rand_digits(rng.choice([4, 6, 6, 6, 8]), first_nonzero=rng.random() < 0.8)
    secret(rng.choice(CODE_FORMS_ZH).format(c=c), "verification_code")
for _ in range(16):
    c = rand_digits(rng.choice([4, 6, 6, 6, 8]), first_nonzero=rng.random() < 0.8)
    secret(rng.choice(CODE_FORMS_EN).format(c=c), "verification_code")
for _ in range(5):
    c = rand_digits(6)
    secret("验证码 " + " ".join(c), "verification_code")
for _ in range(4):
    c = rand_digits(6)
    secret("code: " + c[:3] + " " + c[3:], "verification_code")
for _ in range(5):
    c = rand_digits(6)
    secret(rng.choice(["验证码", "驗證碼", "OTP", "GA"]) + " " + fullwidth(c, digits_only=True), "verification_code")
for _ in range(4):
    c = rand_digits(6)
    secret("验证码 " + keycaps(c), "verification_code")
for _ in range(4):
    c = rand_digits(6)
    secret(zero_width("验证码是" + c, 0.4), "verification_code")
for _ in range(3):
    c = rand_digits(6)
    secret("OTP" + c, "verification_code")

# Passwords.
def pw():
    base = rng.choice(["hunter", "qwerty", "zhang", "lily", "dragon", "sunshine", "abc", "wang", "Ab", "Pass"])
    return base + rand_digits(rng.randint(2, 6)) + rng.choice(["", "!", "@", "#", ""])


PW_FORMS = ["密码是 {p}", "我的密码是{p}", "资金密码 {p}", "交易密碼：{p}", "登录密码{p}", "password: {p}",
            "my password is {p}", "pwd={p}", "pass: {p}", "passcode = {p}", "密码改成 {p} 了还是登不上",
            "账号 test@example.com 密码 {p} 帮我看看", "login pwd: {p}", "支付密码 {p}", "password \"{p}\"",
            "我的登录密码是 {p} 可以帮我登录看看吗"]
for _ in range(28):
    secret(rng.choice(PW_FORMS).format(p=pw()), "password")
for _ in range(4):
    secret(rng.choice(["资金密码 ", "支付密码是", "PIN: "]) + rand_digits(6), "password")
for _ in range(3):
    secret("密碼：" + fullwidth(pw()), "password")

# Private keys.
KEY_FORMS = ["private key: {k}", "私钥 {k}", "我的私钥是{k}", "pk: {k}", "privkey {k}", "密钥：{k}",
             "{k} 这是我的私钥", "钱包私钥 {k} 帮我导入看看", "secret key = {k}", "my private key is {k} is it safe"]
for _ in range(18):
    k = rand_hex(64)
    k = k if rng.random() < 0.6 else "0x" + k
    if rng.random() < 0.3:
        k = k.upper().replace("0X", "0x")
    secret(rng.choice(KEY_FORMS).format(k=k), "private_key")
for _ in range(2):
    secret("私钥 " + fullwidth(rand_hex(64)), "private_key")
for _ in range(8):
    secret(rng.choice(["{k}", "WIF: {k}", "import this {k}", "私钥 {k}"]).format(k=wif(rng.random() < 0.7)),
           "private_key")
for _ in range(6):
    secret(rng.choice(["{k}", "xprv {k}", "backup: {k}", "扩展私钥 {k}"]).format(k=xprv()), "private_key")
for _ in range(3):
    secret(zero_width(wif(), 0.2), "private_key")

# ------------------------------------------------------------------------------------------ hard negatives

for _ in range(14):
    h = rand_hex(64)
    form = rng.choice(["txid: 0x{h}", "hash {h}", "交易哈希 {h}", "TXID {h} 还没到账", "充值的哈希是 0x{h}",
                       "tx hash 0x{h} pending for 2 hours", "提币交易 {h} 显示成功但是没收到",
                       "Tron txid {h}", "BTC tx {h} confirmations 1/3", "链上记录 0x{h}",
                       "这是转账凭证 {h}", "deposit tx: {h}", "here: https://etherscan.io/tx/0x{h}", "0x{h}"])
    chatter(form.format(h=h if rng.random() < 0.7 else h.upper()))
for _ in range(4):
    chatter("my wallet got drained, the tx that stole it: 0x" + rand_hex(64) + " what do I do")
for _ in range(3):
    chatter(rand_hex(64))

for _ in range(12):
    form = rng.choice(["订单号 {o}", "order id {o}", "工单号 {t}", "ticket #{t}", "我的工单 {t} 一直没人回复",
                       "order {o} still pending", "订单编号：{o}", "case {t} please check", "UID {u} 奖励没到账",
                       "我的UID是{u}", "uid: {u}, reward missing", "单号{o}"])
    chatter(form.format(o="2024" + rand_digits(14, False), t=rand_digits(rng.choice([6, 7, 8])),
                        u=rand_digits(rng.choice([8, 9, 10]))))
for _ in range(4):
    chatter("订单号 " + "2025" + rand_digits(14, False) + " 验证码收不到")

for _ in range(10):
    form = rng.choice(["充值地址 0x{a}", "withdraw to 0x{a}", "my address {t}", "TRC20 地址 {t}",
                       "btc address {b}", "请问这个地址 {t} 是官方的吗", "提币地址填错了 0x{a}", "合约地址 0x{a}"])
    chatter(form.format(a=rand_hex(40), t=tron_address(), b=btc_address()))
chatter("xpub: " + xpub_like())
chatter("watch-only wallet with " + xpub_like())

for t in ["提了 2000 USDT 还没到", "fee is 1.5 usdt?", "价格 3250.5 的时候买的", "I deposited 5000 usdt yesterday",
          "最低提币 10 U 吗", "BTC 67000 了", "手续费 0.0005 btc", "¥3000 能买多少", "$1234 profit today",
          "充了 100000 u", "1,234,567 USDT 大户", "一共 8888 元", "the price went from 2451 to 2510",
          "买了 1200 个 TRX", "apy 12.5%", "返佣 30% 什么时候到", "奖励 500 USDT 什么时候发", "年化 8%",
          "验证码收不到，已经等了 30 分钟", "验证码 60 秒后才能重发", "2FA 2024 年开的", "code expires in 120 seconds",
          "sms code costs 0.05 usd", "谷歌验证 换手机了 2023年绑定的"]:
    chatter(t)

for t in ["2024-01-15 12:30 充值的", "2024年1月15日提的币", "活动 2024/03/01 - 2024/03/31", "15:45 到账了吗",
          "上周五 2025-06-06 提交的工单", "expires 2030-12-31", "Jan 15, 2024 deposit", "第 2024 期活动",
          "我 1998 年出生的", "2024 年的奖励规则", "从 2019 年开始用"]:
    chatter(t)

for t in ["我手机号 13800138000 收不到验证码", "phone +86 138 0013 8000", "客服电话 400-123-4567",
          "call me at +852 9123 4567", "验证码发到尾号 5678 的手机上了", "my phone ending in 4321 no sms code",
          "手机号 139****1234 收不到短信", "verification code sent to 138****5678 but nothing",
          "邮箱 test1234@example.com 收不到验证码", "whatsapp +1 415 555 0132"]:
    chatter(t)

SEED_TALK = [
    "never share your seed phrase with anyone",
    "NEVER share your seed phrase, support will never ask for it",
    "助记词丢了怎么办",
    "助记词忘了还能找回吗",
    "有人私信我要助记词，是骗子吧",
    "where do I find my recovery phrase in the app",
    "is it safe to store my mnemonic in a notes app?",
    "I wrote my 12 words on paper, is that enough?",
    "客服会问我要私钥吗",
    "私钥和助记词有什么区别",
    "someone asked for my seed words in DM, reported",
    "how many words is a recovery phrase, 12 or 24?",
    "备份助记词的时候要注意什么",
    "钱包被盗了，助记词只存在手机里",
    "the scammer pretended to be support and asked for my private key",
    "do not type your seed phrase into any website",
    "my seed phrase is written down in a safe place, do I also need a password?",
    "导入钱包需要助记词还是私钥",
    "why does the wallet ask for 24 words when I only have 12",
    "助記詞要抄在紙上嗎",
    "please remember: the team will never ask for your recovery phrase or private key",
    "mnemonic phrase backup is important, keep it offline",
]
for t in SEED_TALK:
    chatter(t)

PROSE = [
    "please check that account again because they will only deposit what they can afford today",
    "you can also have one more wallet but never share your private key or seed phrase with anyone",
    "they said the project will open again next month so just wait and stay calm",
    "this exchange has a simple guide about how to verify your account before you trade",
    "what about the other coin that jumped last night after the big news",
    "remember to double check the address before you send any token to another wallet",
    "can someone help me understand why the reward never arrived in my account",
    "our team will review every ticket and reply when they have more detail",
    "just copy the link from the official page and open it in your browser",
    "only use the official app and never click a strange link from a random person",
    "happy new year to all members of this group and good luck with your trade",
    "before you buy any coin please read the risk notice and the fee table",
    "they will announce the winner of the trading contest at the end of the week",
    "Thank you all for the patience, the system upgrade will finish soon and deposit will open again",
    "I have been waiting for over one hour and still nothing arrived, can you check again",
    "Please also check the network fee before you withdraw, it can change every day",
    "Can you explain what this option does and whether it will affect my account balance",
    "This is the best project I have seen this year, the team is very active and honest",
    "Never trust anyone who offers guaranteed profit, that is always a scam",
    "What time will the event start and how do I join the trading contest",
    "you can also check the status page, they update it when there is any problem with deposit",
    "winner winner chicken dinner, the price finally went up again after one long week",
    "just follow the guide step by step and you will see the option under security settings",
    "each member can only claim the reward once, please do not submit another ticket",
    "I think there is a problem with the app because every time I open it the screen goes black",
    "be careful with fake support accounts, the real admins will never message you first",
    "the market moved fast today, bitcoin dropped and then jumped back above the old level",
    "Could you tell me which network is cheaper for usdt, I want to move some funds",
    "my order is still open after two hours, is something wrong with the system",
    "they should add more detail to the guide because many people get stuck at the same step",
    "voice chat tonight about market trends, everyone is welcome to join and ask questions",
    "abandon all hope ye who enter here, this chart looks like a cliff",
]
for t in PROSE:
    chatter(t)

CHINESE = [
    "请问注册链接在哪里可以找到，我在官网没看到",
    "活动奖励什么时候发放，我已经完成任务三天了",
    "提币一直显示审核中，已经超过二十四小时了，能帮忙看看吗",
    "香港警方要求示威群众解散的广播",
    "今天行情不错大家都赚了吧",
    "这个项目方是不是跑路了，群里好久没人说话了",
    "我想问一下KYC需要准备什么材料，护照可以吗",
    "护照过期了还能用来做实名认证吗",
    "身份证照片上传一直失败，是什么原因",
    "大家晚上好，今天的直播几点开始",
    "为什么我的账户被冻结了，我什么都没做",
    "充值没有到账，转账记录显示已经成功了",
    "请问手续费在哪里可以看到，每个网络都不一样吗",
    "新人报到，请多关照，以后一起学习交流",
    "我的奖励被扣了，客服说我违反了规则，但我不知道哪里违规",
    "你们的客服太慢了，工单提交三天都没人回",
    "有没有人知道这个币什么时候上线交易",
    "群主能不能把公告再发一次，我没看到",
    "谁能告诉我怎么把钱从合约账户转到现货账户",
    "最近诈骗好多，大家小心私聊你的人",
    "这个活动是不是只有新用户才能参加",
    "我在地区限制名单里吗，为什么打不开网站",
    "今天提现到银行卡用了多长时间，大家有经验吗",
    "风险提示在哪里看，我想先了解一下再投资",
    "客服说会帮我提交给官方，最终处理要以平台规则为准",
    "请问邀请好友的返佣比例是多少，什么时候结算",
    "我用的是苹果手机，下载的时候提示无法安装",
    "有人说可以保证收益，这种一看就是骗子",
    "谢谢管理员的耐心解答，问题已经解决了",
    "晚上十点系统维护，大家提前做好准备",
    "我昨天下午充值的，现在还没有到账，麻烦帮我查一下",
    "请不要在群里发送任何个人信息，包括身份证和密码",
    "验证码收不到怎么办，换了好几次手机号都不行",
    "忘记资金密码了怎么重置",
    "密码错误次数太多被锁了",
    "登录密码和资金密码有什么区别",
    "谷歌验证器换手机了怎么迁移",
    "为什么收不到短信验证码，是不是被拦截了",
    "請問註冊連結在哪裡，謝謝",
    "提幣網絡選哪個比較便宜",
    "帳戶被凍結了怎麼辦",
    "我的獎勵什麼時候會到帳",
    "我们会协助整理信息并提交给官方渠道，最终处理以平台规则和官方反馈为准",
    "大家觉得现在是买入的好时机吗，还是再等等看",
    "这个月的活动规则和上个月有什么不同，有没有人对比过",
    "本人第一次玩合约，亏了不少，有没有老师带一下",
    "他们说这个是官方认证的群，我不太确定是不是真的",
    "一直在转圈圈加载不出来，网络没问题啊",
    "能不能出个详细的教程，很多人都不会操作",
    "我看到有人在群里发广告，管理员处理一下",
]
for t in CHINESE:
    chatter(t)

INVITE = ["邀请码 {c}", "我的邀请码是{c}，欢迎注册", "referral code {c}", "ref code: {c}", "invite code {c} gives 10% off",
          "推荐码 {c}", "用我的邀请码 {c} 注册有奖励", "promo code {c}", "优惠码{c}", "邀請碼：{c}",
          "invitation code {c} for the event", "coupon code {c}"]
for _ in range(16):
    chatter(rng.choice(INVITE).format(c=rand_digits(rng.choice([5, 6, 8]))))

QUESTIONS = ["I didn't get my verification code", "didn't get the verification code, tried 3 times",
             "验证码收不到", "驗證碼收不到", "reset password stuck", "忘记密码怎么办", "密码错误",
             "how do I reset my 2FA?", "google authenticator code not working", "sms code never arrives",
             "the OTP expired before I could use it", "my password is wrong, how to reset", "password reset link expired",
             "where do I change my password?", "what is the password requirement, 8 characters?",
             "密码要几位数", "资金密码是什么", "交易密码忘了", "2FA lost phone what to do",
             "谷歌验证码一直错误", "验证码发了好几次都没收到", "password must be 8-20 characters",
             "I passed KYC yesterday", "the pass is valid until 2025", "passport photo rejected, why?",
             "护照号码填错了怎么改", "身份证号输入后提示格式错误", "can I use my passport instead of ID card",
             "passport verification failed, order 123456789", "id card expired, can I still withdraw?",
             "what is my uid", "我的身份证过期了", "MRZ code could not be read from my passport photo",
             "private key or seed phrase, which one do I need to import", "where is the private key export option",
             "key 3 on my keyboard is broken lol", "hash rate dropped to 120 TH/s",
             "please enter the 6-digit code from your authenticator app", "enter code 6 digits",
             "验证码是6位数吗", "验证码有效期是多久", "status code 429 when calling api",
             "error code 10001 when I enter the code", "code 500 error on the website", "QR code 扫不出来",
             "zip code 10001", "region code 852", "country code +86"]
for t in QUESTIONS:
    chatter(t)

MORE = ["the seed round will open again next month so just wait and stay calm",
        "seed investors said the project will open again next month so just wait",
        "seed phrase safety tips: never type them into any site, never photo them, keep paper copy",
        "I lost my seed phrase, what should I do now, please help",
        "our mnemonic guide: write each word clearly, check spelling twice, store offline safely",
        "your code will expire in 5 minutes", "code 2024 is this year's event code",
        "verification failed 3 times, uid 88776655", "谷歌验证器 绑定 失败 2次", "验证码 是 6 位数 对吧",
        "订单 12345678 验证码", "promo code SUMMER2024", "passport expires 2031-05-20",
        "my passport number is on the photo", "the 24 words are stored in my safe",
        "I had to abandon the trade because the market was crazy", "pk vs seed? what is the difference",
        "pwd: what does it mean", "password: forgot", "my password has 12 characters and 2 numbers",
        "密码是 生日", "密码是我生日", "请输入6位数字密码", "2fa code required for withdrawal above 10000 usdt",
        "sms verification 2 minutes ago", "OTP 10 minutes delay", "验证码 10086 发来的", "我收到了 95588 发的验证码",
        "ID 88776655 的用户中奖了", "护照上传了三次都失败 工单 55443322", "a1234567 is my product sku",
        "ticket a123456789"]
for t in MORE:
    chatter(t)

MISC = ["👍👍👍", "gm", "早上好", "ok thanks", "哈哈哈哈哈哈", "1", "123", "666", "888888", "???", "收到",
        "the chart looks bullish", "to the moon 🚀🚀", "lol", "wen lambo", "已解决，谢谢", "好的明白了",
        "see https://example.com/support/ticket?id=123456", "https://t.me/example_group/12345",
        "room 1204 building 3", "version 2.4.1 update", "android 14, app version 3.2.0",
        "block height 19234567", "gas price 25 gwei", "区块高度 18765432 已确认", "nonce 1234 stuck",
        "memo 123456789 填了吗", "tag: 2891234567", "备注填 88881234", "ERC20 or TRC20?",
        "0x" + rand_hex(40), "T" + rand_hex(10), "bc1q" + rand_hex(38), "sha256: " + rand_hex(64),
        "md5 " + rand_hex(32), "uuid " + "-".join([rand_hex(8), rand_hex(4), rand_hex(4), rand_hex(4), rand_hex(12)]),
        "api key revoked, created a new one", "file hash " + rand_hex(64),
        "git commit " + rand_hex(40), "block hash 0x" + rand_hex(64), "IMG_" + rand_digits(8) + ".jpg",
        "trace id " + rand_hex(32), "客服工号 10086", "活动编号 20240615", "我的编号 1234567",
        "第 12345 名", "排名 8888", "3 4 5 6 7 8 9", "1 2 3 4 5 6 7 8 9 10 11 12",
        "one two three four five six seven eight nine ten eleven twelve",
        "的 一 是", "A B C D E F G H", "apple banana orange lemon grape mango peach cherry melon kiwi lime plum",
        "abandon ship!", "水果 苹果 香蕉 橘子 葡萄 西瓜 草莓 桃子 梨子 樱桃 芒果 菠萝"]
for t in MISC:
    chatter(t)

# Long Chinese chatter: glue several clauses.
for _ in range(30):
    k = rng.randint(2, 4)
    chatter("，".join(rng.sample(CHINESE, k)).replace("，，", "，"))
# Long Chinese chatter without punctuation (clauses joined by spaces or nothing).
for _ in range(15):
    chatter(rng.choice(["", " "]).join(rng.sample(CHINESE, 2)))
# Mixed English chatter.
for _ in range(20):
    chatter(" ".join(rng.sample(PROSE, 2)))


def escape_invisible(line):
    out = []
    for c in line:
        if c in ZW or c in "\ufe0f\u20e3" or ord(c) < 0x20:
            out.append("\\u%04x" % ord(c))
        else:
            out.append(c)
    return "".join(out)


with open(OUT, "w", encoding="utf-8") as f:
    for r in rows:
        line = json.dumps(r, ensure_ascii=False)
        f.write(escape_invisible(line) + "\n")

secrets = sum(1 for r in rows if r["label"] == "secret")
print(f"{len(rows)} lines ({secrets} secret, {len(rows) - secrets} chatter) -> {OUT}")
