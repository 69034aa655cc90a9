"""Texts of config issues, in Japanese (the admin's language) and English.

Kept apart from the checker so a translator can read every text in one place. Both languages
hold the same keys with the same placeholders (a test checks it). Each text is short, plain and
says what to do; values are quoted with 「」 in Japanese and "" in English.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "ja": {
        # The file itself.
        "file_missing": "設定ファイルが見つかりません。パスを確かめてください。",
        "file_unreadable": "設定ファイルを読めません（{error}）。",
        "not_utf8": (
            "文字コードが UTF-8 ではありません。UTF-8 で保存し直してください"
            "（メモ帳なら「名前を付けて保存」で文字コードに UTF-8 を選びます）。"
        ),
        "toml_syntax": (
            "TOML の書き方に誤りがあります（{column}文字目: {detail}）。"
            "引用符・かっこの閉じ忘れや「=」の抜け、同じキーの二度書きがないか見てください。"
        ),
        "config_invalid": "設定ファイル {file} に誤りが {count} 件あります:",
        # Keys and types.
        "unknown_key": "不明なキー「{key}」です。ここで使えるのは {known} です。",
        "key_in_wrong_place": (
            "「{key}」は [{section}] の下に書きます。[{section}] の行の後ろへ移してください。"
        ),
        "did_you_mean": "もしかして「{suggestion}」?",
        "missing_key": "必須のキー「{key}」がありません。{key} = … を書き足してください。",
        "wrong_type": "{expected}を書いてください（今は {actual}）。",
        "number_in_quotes": "数値は引用符なしで書きます（{key} = {value}）。",
        "tables_expected": "[[{key}]] のように二重の角かっこで、1件ずつ書いてください。",
        "empty_value": "空です。値を書いてください。",
        "empty_list": "空の配列です。少なくとも1つ書いてください。",
        "type.text": '文字列（"…"）',
        "type.integer": "整数",
        "type.number": "数値",
        "type.boolean": "true か false",
        "type.table": "表（[名前] の形）",
        "type.array": "配列（[ … ]）",
        "type.time": '時刻（"08:20" の形）',
        # Values.
        "unknown_source_kind": "不明な種類「{value}」です。使えるのは {known} です。",
        "unknown_role": "不明な役割「{value}」です。使えるのは {known} です。",
        "unknown_panel": "不明なパネル「{value}」です。使えるのは {known} です。",
        "bad_private": (
            "「{value}」は使えません。使えるのは {known} です"
            "（neutral は件名を伏せて表示、hide は表示しない）。"
        ),
        "bad_language": "「{value}」は使えません。使えるのは {known} です。",
        "bad_weekday": "不明な曜日「{value}」です。{known} か 月〜日 で書いてください。",
        "bad_time": '時刻「{value}」が読めません。"08:20" のように 時:分 で書いてください。',
        "end_not_after_start": (
            "終わりの {end} が始まりの {start} より後ではありません。時刻を確かめてください。"
        ),
        "bad_timezone": '不明なタイムゾーン「{value}」です。日本の学校なら "Asia/Tokyo" です。',
        "not_positive": "{value} は使えません。0 より大きい数を書いてください。",
        "too_small": "{value} は使えません。{minimum} 以上の整数を書いてください。",
        "bad_id": "id「{value}」には半角英数字と - _ . だけが使えます（例: school-calendar）。",
        "duplicate_id": (
            "id「{value}」は {first_line} 行目の情報源でもう使われています。"
            "別の id にしてください。"
        ),
        "bad_url": (
            "「{value}」は使えません。https:// などの URL か、ファイルのパスを書いてください。"
        ),
        "no_panels": (
            "パネルが1つもありません。[[panels]] を書くか、"
            "panels の行を消して既定の並びを使ってください。"
        ),
        # Warnings: the kiosk still runs.
        "missing_file": (
            "ファイル {path} が見つかりません。キオスクはこの情報源を「取得できない」と表示して"
            "動き続けます。パスを確かめてください（相対パスは設定ファイルのフォルダーから数えます）。"
        ),
        "private_not_ics": 'private は kind = "ics" の情報源にだけ効きます。この行は使われません。',
        "refresh_too_often": (
            "{value} 分ごとの取得はサーバーの負担が大きすぎます。"
            "1 以上（ふつうは 5〜15）にしてください。"
        ),
    },
    "en": {
        "file_missing": "config file not found; check the path.",
        "file_unreadable": "cannot read the config file ({error}).",
        "not_utf8": (
            'the file is not UTF-8; save it again as UTF-8 (in Notepad: "Save as", encoding UTF-8).'
        ),
        "toml_syntax": (
            "TOML syntax error (column {column}: {detail}). Look for an unclosed quote or "
            'bracket, a missing "=", or a key written twice.'
        ),
        "config_invalid": "{count} problem(s) in config file {file}:",
        "unknown_key": 'unknown key "{key}"; keys allowed here: {known}.',
        "key_in_wrong_place": (
            '"{key}" belongs under [{section}]; move it below the [{section}] line.'
        ),
        "did_you_mean": ' Did you mean "{suggestion}"?',
        "missing_key": 'required key "{key}" is missing; add {key} = ….',
        "wrong_type": "write {expected} here (found {actual}).",
        "number_in_quotes": "write numbers without quotes: {key} = {value}.",
        "tables_expected": "write it as [[{key}]] tables (double brackets), one per entry.",
        "empty_value": "empty; write a value.",
        "empty_list": "empty list; write at least one entry.",
        "type.text": 'text ("…")',
        "type.integer": "a whole number",
        "type.number": "a number",
        "type.boolean": "true or false",
        "type.table": "a table ([name])",
        "type.array": "a list ([ … ])",
        "type.time": 'a time ("08:20")',
        "unknown_source_kind": 'unknown kind "{value}"; known kinds: {known}.',
        "unknown_role": 'unknown role "{value}"; known roles: {known}.',
        "unknown_panel": 'unknown panel "{value}"; known panels: {known}.',
        "bad_private": (
            '"{value}" is not allowed; use one of {known} '
            "(neutral shows a private event without its title, hide leaves it out)."
        ),
        "bad_language": '"{value}" is not allowed; use one of {known}.',
        "bad_weekday": 'unknown weekday "{value}"; write {known} (or 月〜日).',
        "bad_time": 'cannot read the time "{value}"; write hours:minutes like "08:20".',
        "end_not_after_start": "the end {end} is not after the start {start}; check the times.",
        "bad_timezone": 'unknown time zone "{value}"; for a school in Japan write "Asia/Tokyo".',
        "not_positive": "{value} is not allowed; write a number greater than 0.",
        "too_small": "{value} is not allowed; write a whole number of at least {minimum}.",
        "bad_id": (
            'id "{value}" may only use ASCII letters, digits and - _ . (e.g. school-calendar).'
        ),
        "duplicate_id": (
            'id "{value}" is already used by the source on line {first_line}; '
            "give this one another id."
        ),
        "bad_url": '"{value}" is not allowed; write an https:// (or http://, webcal://) URL or a '
        "file path.",
        "no_panels": (
            "no panels; add [[panels]] entries, or remove the panels line to use the default order."
        ),
        "missing_file": (
            "file {path} not found. The kiosk keeps running and shows this source as failing; "
            "check the path (a relative path starts at the config file's folder)."
        ),
        "private_not_ics": 'private only applies to kind = "ics" sources; this line has no effect.',
        "refresh_too_often": (
            "fetching every {value} minutes puts too much load on the server; "
            "use 1 or more (usually 5 to 15)."
        ),
    },
}


def text(lang: str, key: str, /, **fields: object) -> str:
    """The message `key` in `lang` (Japanese when the language is unknown), filled in."""
    table = MESSAGES.get(lang, MESSAGES["ja"])
    return table[key].format(**fields)
