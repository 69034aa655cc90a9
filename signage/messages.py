"""Every text a person reads: config issues (Japanese and English) and the screen (Japanese).

Kept apart from the code so a translator can read every text in one place. Config issues:
both languages hold the same keys with the same placeholders (a test checks it); each text is
short, plain and says what to do; values are quoted with 「」 in Japanese and "" in English.
The screen speaks the staff room's language only; a test keeps Japanese words out of the
screen-facing modules, and checks every key here is used.
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
        "toml_syntax": "TOML の書き方に誤りがあります（{column}文字目: {detail}）。",
        "toml_look_for": (
            "引用符・かっこの閉じ忘れや「=」の抜け、同じキーの二度書きがないか見てください。"
        ),
        "toml_unquoted_time": '時刻は引用符で囲みます: {key} = "{value}"。',
        "toml_unquoted_date": '日付は引用符で囲みます: {key} = "{value}"。',
        "toml_unquoted_text": '文字は半角の " で囲みます: {key} = "{value}"。',
        "toml_missing_quote": 'この行の " が閉じていません。文字の終わりにも " を書いてください。',
        "toml_fullwidth_equals": "全角の「＝」を半角の「=」に直してください。",
        "toml_fullwidth_space": "キーの後ろの全角スペースを半角スペースに直してください。",
        "toml_curly_quotes": '「“ ”」は使えません。半角の " で囲んでください。',
        "toml_duplicate_key": (
            "「{key}」がこの表に二度書かれています。どちらか一方を消してください。"
        ),
        "toml_duplicate_table": "{table} が二度あります。一つにまとめてください。",
        "config_invalid": "設定ファイル {file} に誤りが {count} 件あります:",
        # `signage check`: its verdict, a warning's label, `--fetch`.
        "check_ok": "問題ありません",
        "check_counts": "誤り {errors}件、警告 {warnings}件",
        "check_warnings_only": "警告 {warnings}件（このままでも表示はできます）",
        "warning_label": "警告",
        "fetch_ok": "取得できました（{count}件）",
        "fetch_failed": "取得できません: {error}",
        "fetch_skipped": "読めず表示しない行 {count}件",
        "fetch_kept": "表示したが書き方に注意 {count}件",
        # `signage config get|set` and `signage setup`: the key or value given.
        "edit_bad_key": (
            "キー「{key}」の書き方が読めません。school.name、sources[0].url、"
            "sources.情報源のid.url のように書きます。"
        ),
        "edit_unknown_key": "「{key}」という設定はありません（configs/README.md のキー一覧）。",
        "edit_no_entry": "「{key}」: 「{name}」に当たる項目がありません。",
        "edit_not_integer": "「{value}」は整数ではありません（例: 4）。",
        "edit_not_number": "「{value}」は数値ではありません（例: 15 や 0.5）。",
        "edit_not_boolean": "「{value}」は true か false で書きます。",
        "edit_not_array": '「{value}」は一覧として読めません（例: ["mon", "tue"] か mon,tue）。',
        "edit_not_table": (
            '「{value}」は表として読めません（例: {{ type = "bearer", env = "X" }}）。'
        ),
        "edit_whole_tables": "「{key}」は一覧全体ではなく、1つずつ（{key}[0].…）変えてください。",
        "edit_unset": "「{key}」は書かれていません（既定の値が使われます）。",
        "edit_refused": "書き込みませんでした。誤りが {count} 件あります:",
        "edit_saved": "{file} の {key} を変えました。",
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
        "type.date": '日付（"2026-12-28" の形）',
        # Values.
        "unknown_source_kind": "不明な種類「{value}」です。使えるのは {known} です。",
        "unknown_role": "不明な役割「{value}」です。使えるのは {known} です。",
        "unknown_panel": "不明なパネル「{value}」です。使えるのは {known} です。",
        "bad_private": (
            "「{value}」は使えません。使えるのは {known} です"
            "（neutral は件名を伏せて表示、hide は表示しない）。"
        ),
        "bad_language": "「{value}」は使えません。使えるのは {known} です。",
        "bad_body_format": (
            "「{value}」は使えません。使えるのは {known} です"
            "（text は書かれたまま、html は HTML として読んで文字だけを表示）。"
        ),
        "bad_heartbeat_format": (
            "「{value}」は使えません。使えるのは {known} です"
            "（json は状態を送信、uptime-kuma と healthchecks は監視サービスへの通知）。"
        ),
        "bad_names": (
            "「{value}」は使えません。使えるのは {known} です"
            "（full は氏名、family は姓だけ、none は名前を出さず人数だけ）。"
        ),
        "bad_weekday": "不明な曜日「{value}」です。{known} か 月〜日 で書いてください。",
        "bad_time": '時刻「{value}」が読めません。"08:20" のように 時:分 で書いてください。',
        "end_not_after_start": (
            "終わりの {end} が始まりの {start} より後ではありません。時刻を確かめてください。"
        ),
        "period_out_of_order": (
            "{start} の時間帯が前の時間帯（{previous}）より前です。時刻の順に書いてください。"
        ),
        "duplicate_bell_name": "日課「{value}」は {first_line} 行目でもう使われています。",
        "bell_day_twice": (
            "{day}曜日は日課「{other}」の days にもあります。どちらか一方にしてください。"
        ),
        "bell_date_twice": (
            "{day} は日課「{other}」の dates にもあります。どちらか一方にしてください。"
        ),
        "bell_never_used": (
            "日課「{name}」には days・match・dates のどれもないため、使われません。"
        ),
        "bell_no_periods": (
            "日課「{name}」に時間帯（periods）がありません。その日は日課表が出ません。"
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
        "api_not_https": "「{value}」は使えません。https:// で始まる URL を書いてください。",
        "bad_tenant": (
            "「{value}」はテナントではありません。テナント ID（GUID）か、"
            "contoso.onmicrosoft.com のようなドメインを書いてください。"
        ),
        "no_panels": (
            "パネルが1つもありません。[[panels]] を書くか、"
            "panels の行を消して既定の並びを使ってください。"
        ),
        # The display schedule ([display] on, off, days, holidays, closed).
        "schedule_needs_both": (
            "画面をつける時刻 on と消す時刻 off は両方書きます。{missing} = … を書き足すか、"
            "一日中つけておくならこの行を消してください。"
        ),
        "off_not_after_on": (
            "消す時刻 off の {off} が、つける時刻 on の {on} より後ではありません。"
            '夜中の0時をまたぐ設定はできません（例: on = "7:00"、off = "19:00"）。'
        ),
        "bad_holidays": (
            "「{value}」は使えません。使えるのは {known} です"
            "（off は祝日に画面を消す、on は祝日も表示）。"
        ),
        "bad_date": (
            '日付「{value}」が読めません。"2026-12-28" の形か、'
            '範囲なら "2026-12-28..2027-01-03" の形で書いてください。'
        ),
        "range_reversed": (
            "範囲の終わり {end} が始まり {start} より前です。古い日付を先に書いてください。"
        ),
        "range_too_long": (
            "範囲「{value}」は {days} 日あります。年の書き間違いではありませんか"
            "（1つの範囲は {limit} 日まで）。"
        ),
        # Connectors (json, csv, folder).
        "unknown_field": "不明な項目名「{value}」です。使えるのは {known} です。",
        "fields_reversed": (
            "向きが逆です。fields には「こちらの項目名 = システムの項目名」の順で"
            '{field} = "{column}" と書きます。'
        ),
        "bad_value_target": "「{value}」は {field} の値に使えません。使えるのは {known} です。",
        "unknown_encoding": (
            "不明な文字コード「{value}」です。"
            '"auto"（UTF-8 か Shift_JIS を自動で判別）、"utf-8"、"cp932" などを書いてください。'
        ),
        "bad_dotted_path": (
            "「{value}」は場所の指定として読めません。data.notices のように、"
            "名前を「.」でつないで書いてください（先頭・末尾・連続の「.」は不可）。"
        ),
        "bad_jma_code": (
            "「{value}」はコードとして読めません。area は7桁、office は6桁、point は5桁の数字を"
            '引用符で囲んで書いてください（例 area = "1020400"）。'
        ),
        "folder_not_local": (
            '「{value}」は使えません。kind = "folder" の url には、フォルダーのパス'
            "（例: '\\\\fileserver\\全校共有\\連絡'）を書きます。URL は使えません。"
        ),
        # A kind that serves only some roles: {titles} as the role_* texts, joined with list_and;
        # {roles} as "notices", joined with list_or.
        "kind_role": (
            'kind = "{kind}" は{titles}だけを読みます。role = {roles} にしてください'
            "（今は「{value}」）。"
        ),
        "list_and": "、",
        "list_or": " か ",
        "role_events": "行事・会議",
        "role_notices": "連絡事項",
        "role_visits": "ICT支援員の訪問",
        "role_staff_out": "不在者",
        "role_absences": "欠席連絡",
        "role_closures": "休校日",
        "role_weather": "気象警報・暑さ指数",
        # jma_warnings without area/office, wbgt without point (and no url).
        "no_default_url.jma_warnings": (
            'kind = "jma_warnings" には area（気象庁の市町村等コード、伊勢崎市なら "1020400"）'
            "を書いてください（または office か url）。"
        ),
        "no_default_url.wbgt": (
            'kind = "wbgt" には point（環境省の暑さ指数の地点番号、伊勢崎なら "42302"）を'
            "書いてください（または url）。"
        ),
        # Credentials (auth). These texts never quote what was written: it may be a secret.
        "auth_not_table": (
            'auth は auth = {{ type = "bearer", env = "環境変数名" }} の形で書きます。'
            "トークンやパスワードそのものは設定ファイルに書かず、環境変数かファイルに置いてください。"
        ),
        "bad_auth_type": "auth の type は {known} のどれかです。",
        "auth_type_for": (
            'この情報源の auth の type に "{value}" は使えません。{known} のどれかにしてください'
            "（Microsoft 365 は certificate か client_secret、Google は service_account）。"
        ),
        "auth_needed": (
            'kind = "{kind}" は auth が要ります（アプリとしての認証）。configs/README.md の'
            "「クラウドの予定表」の手順で用意してください。"
        ),
        "auth_secret_in_config": (
            "「{key}」は使えません。トークンやパスワードを設定ファイルに書くと、"
            'ファイルを見た人に知られてしまいます。環境変数（env = "名前"）か'
            'ファイル（file = "パス"）に置いてください。この行は今すぐ消し、'
            "書いてしまった値は管理者に変えてもらってください。"
        ),
        "auth_no_secret": (
            'auth には、秘密の値を置いた場所として env = "環境変数名" か '
            'file = "ファイルのパス" のどちらかを書いてください。'
        ),
        "auth_both_secrets": "env と file は片方だけ書きます。使う方を残してください。",
        "auth_basic_needs_user": (
            'type = "basic" にはユーザー名が要ります。user = "…" を書き足してください。'
        ),
        "auth_user_on_bearer": (
            'user は type = "basic" のときだけ使います。bearer ならこの行を消してください'
            '（ユーザー名とパスワードで入るサーバーなら type = "basic" にします）。'
        ),
        "bad_env_name": (
            "env には環境変数の名前（半角英数字と _、例: MIRAI_CAL_TOKEN）を書きます。"
            "トークンそのものを書いていたら、すぐ消して値を変えてもらってください。"
        ),
        # The school network ([network], and verify per source).
        "network_verify": (
            "証明書の検証は学校全体では止められません。どうしても必要な情報源だけ、"
            "その [[sources]] に verify = false を書きます。校内の検査プロキシが原因なら、"
            'ca_bundle にその CA 証明書を書くか trust = "system" にしてください。'
        ),
        "bad_trust": (
            "「{value}」は使えません。使えるのは {known} です"
            "（certifi は本ソフトが持つ公的な認証局の一覧、system は OS の証明書ストア）。"
        ),
        "bad_proxy": (
            '「{value}」はプロキシとして読めません。"http://proxy.example.jp:8080" の形で'
            "書いてください。"
        ),
        "bad_proxy_scheme": "「{scheme}://」のプロキシは使えません。使えるのは {known} です。",
        "proxy_needs_socks": (
            "SOCKS プロキシにはこの版が対応していません（socksio パッケージが必要です）。"
            "http:// のプロキシを使うか、IT 担当に相談してください。"
        ),
        "proxy_credentials": (
            "プロキシのユーザー名やパスワードは設定ファイルに書かないでください。"
            "ファイルを開いた人に知られてしまいます。proxy の行を消し、環境変数 HTTPS_PROXY"
            "（http://ユーザー名:パスワード@プロキシ:ポート）に置いてください。"
        ),
        "bad_no_proxy": (
            "「{value}」はホスト名として読めません。komu.school.local、.school.local、"
            "10.1.2.3 のように書いてください。"
        ),
        "no_proxy_range": (
            "範囲の指定（{value}）は使えません。ホスト名か IP アドレスを1つずつ、"
            "またはドメイン（.school.local）で書いてください。"
        ),
        "client_key_without_cert": (
            "client_key だけでは使えません。client_cert（クライアント証明書のファイル）も"
            "書いてください。"
        ),
        # Warnings: the kiosk still runs.
        "only_for_kind": ("{key} は kind = {kinds} の情報源にだけ効きます。この行は使われません。"),
        "field_not_for_role": (
            '項目「{value}」は role = "{role}" では使われません（使われるのは {known}）。'
        ),
        "next_not_remote": (
            "next（次のページ）は URL の情報源にだけ効きます。ファイルでは使われません。"
        ),
        "missing_folder": (
            "フォルダー {path} が見つかりません。キオスクはこの情報源を「取得できない」と表示して"
            "動き続けます。共有フォルダーがつながっているか、パスを確かめてください。"
        ),
        "not_a_folder": (
            "{path} はファイルで、フォルダーではありません。連絡のファイルを置くフォルダーの"
            "パスを書いてください。それまでこの情報源は「取得できない」と表示されます。"
        ),
        "missing_file": (
            "ファイル {path} が見つかりません。キオスクはこの情報源を「取得できない」と表示して"
            "動き続けます。パスを確かめてください（相対パスは設定ファイルのフォルダーから数えます）。"
        ),
        "private_not_ics": (
            'private は予定表の情報源（kind = "ics"・"m365"・"google"）にだけ効きます。'
            "この行は使われません。"
        ),
        "url_not_read": (
            'kind = "{kind}" は url を使いません（読む予定表は calendar に書きます）。'
            "この行は使われません。"
        ),
        "refresh_too_often": (
            "{value} 分ごとの取得はサーバーの負担が大きすぎます。"
            "1 以上（ふつうは 5〜15）にしてください。"
        ),
        "auth_not_remote": (
            "auth は URL（https://）の情報源にだけ効きます。ファイルの情報源では使われません。"
        ),
        "verify_off": (
            "この情報源では TLS の証明書を検証しません。途中の誰でも内容を読んだり"
            "書き換えたりできます。起動のたびにログにも警告が残ります。証明書の問題が直ったら"
            "この行を消してください（校内の検査プロキシが原因なら [network] の ca_bundle か "
            'trust = "system" で直せます）。'
        ),
        "verify_not_remote": (
            "verify は URL（https://）の情報源にだけ効きます。ファイルの情報源では使われません。"
        ),
        "tls_file_missing": (
            "{key} のファイル {path} が見つかりません。ファイルを置くまで、https の情報源は"
            "「取得できない」と表示されます（相対パスは設定ファイルのフォルダーから数えます）。"
        ),
        "tls_not_a_file": "{key} の {path} はフォルダーです。証明書のファイルを書いてください。",
        "tls_file_unreadable": "{key} のファイル {path} を読めません（{error}）。",
        "tls_not_certificate": (
            "{path} は証明書として読めません。PEM（-----BEGIN CERTIFICATE----- で始まる）か "
            "DER 形式の CA 証明書のファイルを書いてください。"
        ),
        "tls_key_mismatch": (
            "client_key の鍵が client_cert の証明書と組になっていません。"
            "同じときに発行された証明書と鍵を置いてください。"
        ),
        "tls_key_encrypted": (
            "鍵 {path} はパスワードで保護されているため読めません。"
            "openssl でパスワードを外した PEM にして置いてください（手順は configs/README.md）。"
        ),
        "tls_bad_client_cert": (
            "クライアント証明書を読めません（{error}）。PEM 形式の証明書と鍵を置いてください"
            "（.pfx / .p12 なら openssl pkcs12 で変換します。手順は configs/README.md）。"
        ),
        # Central configuration ([central]: layers from the board of education).
        "central_http": (
            "http:// の設定は途中で書き換えられるおそれがあります。"
            "https:// の URL を使ってください。"
        ),
        "secret.env": "環境変数",
        "secret.file": "秘密のファイル",
        "layer_secret_not_allowed": (
            "この層は{what}「{value}」を使おうとしていますが、学校の設定ファイルの"
            " [central] secrets にありません。使ってよいなら secrets に書き足してください。"
        ),
        "layer_relative_file": (
            "「{value}」は相対パスです。URL から読む設定では、この PC のファイルは"
            "絶対パス（例: C:\\signage\\certs\\board-ca.pem）で書いてください。"
        ),
        "central_cycle": (
            "「{value}」は、この設定自身をもとにしています（循環）。base から外してください。"
        ),
        "central_too_deep": "土台の設定の重なりが深すぎます（{limit} 段まで）。",
        "drop_unknown": (
            "土台の設定に id「{value}」の情報源はありません。id の綴りを確かめてください。"
        ),
        "layer_unreachable": (
            "{name} を取得できません（{error}）。前回 {when} に取得した写しを使います。"
        ),
        "layer_unreachable_no_copy": (
            "{name} を取得できません（{error}）。保存された写しもないため、"
            "この設定なしで表示します。"
        ),
        "layer_invalid_copy": (
            "{name} に誤りがあるため、前回 {when} に取得した正しい写しを使います。"
        ),
        "layer_invalid_no_copy": (
            "{name} に誤りがあり、正しい写しもないため、この設定なしで表示します。"
        ),
        "auth_file_readable": (
            "秘密の値のファイル {path} をほかの利用者も読めます（{mode}）。"
            "キオスクを動かす利用者だけが読めるようにしてください（例: chmod 600）。"
        ),
        "auth_over_http": (
            "認証情報は https:// の URL にしか送りません。http:// では途中で読み取られる"
            "おそれがあるため、この情報源は取得しません。https:// の URL にしてください。"
        ),
        # A row, item, file or event a source skipped (signage.skips): `where` says which.
        "skip.missing": "「{field}」が空です。書き足すと表示されます。",
        "skip.missing_title": "件名（「{field}」）も人の名前もありません。書き足すと表示されます。",
        "skip.not_a_date": (
            "「{field}」の「{value}」を日付・時刻として読めません。"
            "2026-12-10、令和8年12月10日、12/10 9:00 のように書いてください。"
        ),
        "skip.time_without_date": (
            "「{field}」が時刻「{value}」だけで、日付がありません。日付の列も書いてください。"
        ),
        "skip.not_text": "「{field}」が文字ではありません（表や一覧になっています）。",
        "skip.unknown_word": (
            "「{field}」の「{value}」が分かりません。設定の values.{name} で"
            "どの値にあたるかを書いてください。"
        ),
        "skip.priority_kept": (
            "「{field}」の「{value}」が分からないため、「通常」として表示しています。"
            "至急・重要・通常のどれかにするか、設定の values.priority で対応を書いてください。"
        ),
        "skip.end_before_start": "終わりが始まりより前です。日付・時刻を確かめてください。",
        "skip.unreadable": "読めませんでした（{detail}）。",
        "skip.empty_file": "ファイルが空です。1行目に件名を書いてください。",
        "skip.no_column": (
            "見出しの行に「{field}」の列がないため、どの行もその項目なしで表示しています。"
            "設定の fields の列名と、ファイルの見出しを見比べてください。"
        ),
        "skip.no_dtstart": "予定の開始日時（DTSTART）がないか、二つあります。",
        "skip.file_too_large": "お知らせには大きすぎるファイルです（1 MB まで）。",
        "skip.not_a_file": "ふつうのファイルではない（リンクなど）ため読みません。",
        "skip.file_unreadable": (
            "ファイルを開けません。ほかのプログラムで開いたままなら閉じてください。"
        ),
        "auth_key_unusable": (
            "{path} は鍵として使えません（{problem}）。configs/README.md の「クラウドの予定表」"
            "の手順で作り直してください。それまでこの情報源は「取得できない」と表示されます。"
        ),
        "auth_file_missing": (
            "秘密の値のファイル {path} が見つかりません。ファイルができるまで、"
            "この情報源は「取得できない」と表示されます"
            "（相対パスは設定ファイルのフォルダーから数えます）。"
        ),
    },
    "en": {
        "file_missing": "config file not found; check the path.",
        "file_unreadable": "cannot read the config file ({error}).",
        "not_utf8": (
            'the file is not UTF-8; save it again as UTF-8 (in Notepad: "Save as", encoding UTF-8).'
        ),
        "toml_syntax": "TOML syntax error (column {column}: {detail}).",
        "toml_look_for": (
            ' Look for an unclosed quote or bracket, a missing "=", or a key written twice.'
        ),
        "toml_unquoted_time": ' A time goes in quotes: {key} = "{value}".',
        "toml_unquoted_date": ' A date goes in quotes: {key} = "{value}".',
        "toml_unquoted_text": ' Text goes in double quotes: {key} = "{value}".',
        "toml_missing_quote": ' A " on this line is not closed; end the text with " too.',
        "toml_fullwidth_equals": ' Write the full-width "＝" as "=".',
        "toml_fullwidth_space": " Write the full-width space after the key as a normal space.",
        "toml_curly_quotes": ' Curly quotes “ ” do not work; use straight double quotes ".',
        "toml_duplicate_key": ' "{key}" is written twice in this table; delete one of them.',
        "toml_duplicate_table": " {table} appears twice; merge them into one.",
        "config_invalid": "{count} problem(s) in config file {file}:",
        # `signage check`: its verdict, a warning's label, `--fetch`.
        "check_ok": "No problems found",
        "check_counts": "{errors} error(s), {warnings} warning(s)",
        "check_warnings_only": "{warnings} warning(s) (the screen works as it is)",
        "warning_label": "warning",
        "fetch_ok": "fetched ({count} items)",
        "fetch_failed": "cannot fetch: {error}",
        "fetch_skipped": "{count} row(s) skipped",
        "fetch_kept": "{count} row(s) shown, not as written",
        "edit_bad_key": (
            'cannot read the key "{key}"; write it as school.name, sources[0].url or '
            "sources.SOURCE-ID.url."
        ),
        "edit_unknown_key": (
            'there is no setting "{key}" (see the key tables of configs/README.md).'
        ),
        "edit_no_entry": '"{key}": no entry "{name}".',
        "edit_not_integer": '"{value}" is not a whole number (e.g. 4).',
        "edit_not_number": '"{value}" is not a number (e.g. 15 or 0.5).',
        "edit_not_boolean": '"{value}": write true or false.',
        "edit_not_array": '"{value}" is not a list (e.g. ["mon", "tue"] or mon,tue).',
        "edit_not_table": '"{value}" is not a table (e.g. {{ type = "bearer", env = "X" }}).',
        "edit_whole_tables": 'change "{key}" one entry at a time ({key}[0].…), not as a whole.',
        "edit_unset": '"{key}" is not written (the default applies).',
        "edit_refused": "nothing written: {count} problem(s):",
        "edit_saved": "{file}: {key} changed.",
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
        "type.date": 'a date ("2026-12-28")',
        "unknown_source_kind": 'unknown kind "{value}"; known kinds: {known}.',
        "unknown_role": 'unknown role "{value}"; known roles: {known}.',
        "unknown_panel": 'unknown panel "{value}"; known panels: {known}.',
        "bad_private": (
            '"{value}" is not allowed; use one of {known} '
            "(neutral shows a private event without its title, hide leaves it out)."
        ),
        "bad_language": '"{value}" is not allowed; use one of {known}.',
        "bad_body_format": (
            '"{value}" is not allowed; use one of {known} (text: shown as written; html: read '
            "as HTML, only its text shown)."
        ),
        "bad_heartbeat_format": (
            '"{value}" is not allowed; use one of {known} '
            "(json posts the status; uptime-kuma and healthchecks ping a monitor)."
        ),
        "bad_names": (
            '"{value}" is not allowed; use one of {known} '
            "(full names, family names only, or none: a count without names)."
        ),
        "bad_weekday": 'unknown weekday "{value}"; write {known} (or 月〜日).',
        "bad_time": 'cannot read the time "{value}"; write hours:minutes like "08:20".',
        "end_not_after_start": "the end {end} is not after the start {start}; check the times.",
        "period_out_of_order": (
            "the period at {start} comes before the previous one ({previous}); write them in time "
            "order."
        ),
        "duplicate_bell_name": 'the bell schedule "{value}" is already named on line {first_line}.',
        "bell_day_twice": (
            'weekday {day} is also in the days of the schedule "{other}"; keep it in one.'
        ),
        "bell_date_twice": '{day} is also in the dates of the schedule "{other}"; keep it in one.',
        "bell_never_used": (
            'the bell schedule "{name}" has no days, match or dates, so it is never used.'
        ),
        "bell_no_periods": 'the bell schedule "{name}" has no periods; its days show no bell.',
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
        "api_not_https": '"{value}" is not allowed; write a URL starting with https://.',
        "bad_tenant": (
            '"{value}" is not a tenant; write the tenant id (a GUID) or a domain such as '
            "contoso.onmicrosoft.com."
        ),
        "no_panels": (
            "no panels; add [[panels]] entries, or remove the panels line to use the default order."
        ),
        "schedule_needs_both": (
            "write both on (screen on from) and off (screen off at): add {missing} = …, "
            "or remove this line to keep the screen on all day."
        ),
        "off_not_after_on": (
            "off {off} is not after on {on}; the hours cannot cross midnight "
            '(e.g. on = "7:00", off = "19:00").'
        ),
        "bad_holidays": (
            '"{value}" is not allowed; use one of {known} '
            "(off: dark on national holidays, on: shown on holidays too)."
        ),
        "bad_date": (
            'cannot read the date "{value}"; write "2026-12-28", '
            'or a range "2026-12-28..2027-01-03".'
        ),
        "range_reversed": (
            "the range ends ({end}) before it starts ({start}); write the earlier date first."
        ),
        "range_too_long": (
            'the range "{value}" spans {days} days; is a year mistyped? '
            "(one range may span at most {limit} days)."
        ),
        "unknown_field": 'unknown field "{value}"; fields: {known}.',
        "fields_reversed": (
            'the wrong way round: fields maps our name to the system\'s, {field} = "{column}".'
        ),
        "bad_value_target": '"{value}" is not a value of {field}; use one of {known}.',
        "unknown_encoding": (
            'unknown encoding "{value}"; write "auto" (UTF-8 or Shift_JIS, detected), '
            '"utf-8", "cp932" or another codec name.'
        ),
        "bad_dotted_path": (
            '"{value}" is not a path; join names with dots like data.notices '
            "(no dot at either end, no two dots in a row)."
        ),
        "bad_jma_code": (
            '"{value}" is not a code; write area as 7 digits, office as 6, point as 5, quoted '
            '(e.g. area = "1020400").'
        ),
        "folder_not_local": (
            '"{value}" is not allowed; a kind = "folder" source takes a folder path '
            "(e.g. '\\\\fileserver\\share\\notices'), not a URL."
        ),
        "kind_role": (
            'a kind = "{kind}" source only reads {titles}; set role = {roles} (now "{value}").'
        ),
        "list_and": ", ",
        "list_or": " or ",
        "role_events": "events",
        "role_notices": "notices",
        "role_visits": "visits",
        "role_staff_out": "staff out",
        "role_absences": "absences",
        "role_closures": "closures",
        "role_weather": "weather warnings and heat index",
        "no_default_url.jma_warnings": (
            'a kind = "jma_warnings" source needs area (JMA\'s municipality code, e.g. '
            '"1020400" for Isesaki), or office or url.'
        ),
        "no_default_url.wbgt": (
            'a kind = "wbgt" source needs point (the Ministry\'s WBGT point, e.g. "42302" for '
            "Isesaki), or url."
        ),
        "auth_not_table": (
            'write auth as auth = {{ type = "bearer", env = "VARIABLE_NAME" }}; never put the '
            "token or password itself in the config file: keep it in an environment variable "
            "or a file."
        ),
        "bad_auth_type": "the auth type must be one of {known}.",
        "auth_type_for": (
            'auth type "{value}" cannot be used here; use one of {known} (Microsoft 365: '
            "certificate or client_secret; Google: service_account)."
        ),
        "auth_needed": (
            'kind = "{kind}" needs auth (it signs in as an application); see "Cloud calendars" '
            "in configs/README.md."
        ),
        "auth_secret_in_config": (
            '"{key}" is not allowed: a token or password in the config file can be read by anyone '
            'who opens it. Keep it in an environment variable (env = "NAME") or a file '
            '(file = "path"). Delete this line now and have the secret changed.'
        ),
        "auth_no_secret": (
            'auth needs where the secret is kept: env = "VARIABLE_NAME" or file = "path".'
        ),
        "auth_both_secrets": "write env or file, not both; keep the one you use.",
        "auth_basic_needs_user": 'type = "basic" needs a user name; add user = "…".',
        "auth_user_on_bearer": (
            'user is only for type = "basic"; remove it for bearer '
            '(or use type = "basic" if the server takes a user name and password).'
        ),
        "bad_env_name": (
            "env takes the name of an environment variable (ASCII letters, digits and _, e.g. "
            "MIRAI_CAL_TOKEN). If you wrote the token itself here, delete it and have it changed."
        ),
        "network_verify": (
            "certificate checks cannot be turned off for the whole school; write verify = false "
            "in the [[sources]] entry that really needs it. If a TLS-inspecting proxy is the "
            'cause, set ca_bundle to its CA certificate or trust = "system" instead.'
        ),
        "bad_trust": (
            '"{value}" is not allowed; use one of {known} '
            "(certifi: the public CAs shipped with the kiosk, system: the operating system's "
            "certificate store)."
        ),
        "bad_proxy": '"{value}" is not a proxy URL; write it like "http://proxy.example.jp:8080".',
        "bad_proxy_scheme": 'a "{scheme}://" proxy cannot be used; use one of {known}.',
        "proxy_needs_socks": (
            "this build cannot use a SOCKS proxy (it needs the socksio package); use an "
            "http:// proxy or ask IT."
        ),
        "proxy_credentials": (
            "never put the proxy's user name or password in the config file: anyone who opens it "
            "can read them. Remove the proxy line and set the environment variable HTTPS_PROXY "
            "(http://user:password@proxy:port) instead."
        ),
        "bad_no_proxy": (
            '"{value}" is not a host name; write it like komu.school.local, .school.local or '
            "10.1.2.3."
        ),
        "no_proxy_range": (
            "ranges ({value}) cannot be used; list each host name or IP address, or a domain "
            "(.school.local)."
        ),
        "client_key_without_cert": (
            "client_key alone cannot be used; add client_cert (the client certificate file)."
        ),
        "only_for_kind": "{key} only applies to kind = {kinds} sources; this line has no effect.",
        "field_not_for_role": 'field "{value}" is not used for role = "{role}" (used: {known}).',
        "next_not_remote": "next (paging) only applies to URL sources; a file source ignores it.",
        "missing_folder": (
            "folder {path} not found. The kiosk keeps running and shows this source as failing; "
            "check that the shared folder is connected and the path is right."
        ),
        "not_a_folder": (
            "{path} is a file, not a folder; write the path of the folder the notice files go "
            "in. Until then this source shows as failing."
        ),
        "missing_file": (
            "file {path} not found. The kiosk keeps running and shows this source as failing; "
            "check the path (a relative path starts at the config file's folder)."
        ),
        "private_not_ics": (
            'private only applies to calendar sources (kind = "ics", "m365", "google"); this '
            "line has no effect."
        ),
        "url_not_read": (
            'kind = "{kind}" does not read url (the calendar is named by calendar); this line '
            "has no effect."
        ),
        "refresh_too_often": (
            "fetching every {value} minutes puts too much load on the server; "
            "use 1 or more (usually 5 to 15)."
        ),
        "auth_not_remote": "auth only applies to https:// sources; a file source ignores it.",
        "verify_off": (
            "TLS certificates of this source are NOT checked: anyone on the way can read and "
            "change what it shows. The log warns at every start too. Remove this line once the "
            "certificate problem is fixed (for a TLS-inspecting proxy, set ca_bundle or "
            'trust = "system" under [network]).'
        ),
        "verify_not_remote": "verify only applies to https:// sources; a file source ignores it.",
        "tls_file_missing": (
            "{key} file {path} not found. Until it is there, https sources show as failing "
            "(a relative path starts at the config file's folder)."
        ),
        "tls_not_a_file": "{key}: {path} is a folder; write the certificate file's path.",
        "tls_file_unreadable": "cannot read the {key} file {path} ({error}).",
        "tls_not_certificate": (
            "{path} is not a certificate; give a CA certificate file in PEM (starting with "
            "-----BEGIN CERTIFICATE-----) or DER form."
        ),
        "tls_key_mismatch": (
            "the client_key does not belong to the client_cert; put the certificate and the key "
            "that were issued together."
        ),
        "tls_key_encrypted": (
            "the key {path} is protected by a passphrase, which the kiosk cannot type; remove it "
            "with openssl (see configs/README.md)."
        ),
        "tls_bad_client_cert": (
            "cannot load the client certificate ({error}); give the certificate and key in PEM "
            "form (convert a .pfx / .p12 with openssl pkcs12, see configs/README.md)."
        ),
        "central_http": "an http:// layer can be changed on its way; use an https:// URL.",
        "secret.env": "environment variable",
        "secret.file": "secret file",
        "layer_secret_not_allowed": (
            'this layer names the {what} "{value}", which the school\'s own file does not allow in'
            " [central] secrets; add it there if the layer may use it."
        ),
        "layer_relative_file": (
            '"{value}" is a relative path; a layer read from a URL must name files on this PC '
            "by their full path (e.g. C:\\signage\\certs\\board-ca.pem)."
        ),
        "central_cycle": '"{value}" is built on this file itself (a loop); remove it from base.',
        "central_too_deep": "the layers are nested too deep (at most {limit} levels).",
        "drop_unknown": 'no source of the base layers has the id "{value}"; check its spelling.',
        "layer_unreachable": "cannot fetch {name} ({error}); using the copy fetched {when}.",
        "layer_unreachable_no_copy": (
            "cannot fetch {name} ({error}) and there is no saved copy; running without it."
        ),
        "layer_invalid_copy": ("{name} has errors; using the last good copy, fetched {when}."),
        "layer_invalid_no_copy": (
            "{name} has errors and there is no good copy; running without it."
        ),
        "auth_file_readable": (
            "the secret file {path} can be read by other users ({mode}); make it readable by "
            "the kiosk's user only (e.g. chmod 600)."
        ),
        "auth_over_http": (
            "credentials are only sent to https:// URLs: anyone on the network can read them "
            "over http://, so this is not fetched. Use an https:// URL."
        ),
        # A row, item, file or event a source skipped (signage.skips): `where` says which.
        "skip.missing": '"{field}" is empty; fill it in to show the row.',
        "skip.missing_title": 'no title ("{field}") and no person; fill one in to show the row.',
        "skip.not_a_date": (
            '"{field}": "{value}" is not a date or time; write it as 2026-12-10, '
            "令和8年12月10日 or 12/10 9:00."
        ),
        "skip.time_without_date": (
            '"{field}" is only a time ("{value}"), with no date; fill in the date column too.'
        ),
        "skip.not_text": '"{field}" is not text (it is a table or a list).',
        "skip.unknown_word": (
            '"{field}": "{value}" is not a known word; map it in the config\'s values.{name}.'
        ),
        "skip.priority_kept": (
            '"{field}": "{value}" is not a known priority, so the notice is shown as normal; '
            "write 至急, 重要 or 通常, or map it in the config's values.priority."
        ),
        "skip.end_before_start": "the end is before the start; check the dates and times.",
        "skip.unreadable": "could not be read ({detail}).",
        "skip.empty_file": "the file is empty; write the title on its first line.",
        "skip.no_column": (
            'the header has no "{field}" column, so every row is shown without it; compare the '
            "config's fields with the file's header."
        ),
        "skip.no_dtstart": "the event has no start (DTSTART), or two.",
        "skip.file_too_large": "too large for a notice (1 MB at most).",
        "skip.not_a_file": "not a plain file (a link or the like), so not read.",
        "skip.file_unreadable": (
            "the file cannot be opened; if another program has it open, close it there."
        ),
        "auth_key_unusable": (
            "{path} cannot be used as a key ({problem}); make it again as configs/README.md, "
            '"Cloud calendars", shows. Until then this source shows as failing.'
        ),
        "auth_file_missing": (
            "secret file {path} not found. Until it exists this source shows as failing "
            "(a relative path starts at the config file's folder)."
        ),
    },
}


def text(lang: str, key: str, /, **fields: object) -> str:
    """The message `key` in `lang` (Japanese when the language is unknown), filled in."""
    table = MESSAGES.get(lang, MESSAGES["ja"])
    return table[key].format(**fields)


SCREEN: dict[str, str] = {
    # Panel names, in the footer's dots.
    "panel.today": "今日",
    "panel.week": "今週",
    "panel.notices": "連絡事項",
    "panel.visits": "ICT支援員",
    # When: an event's time, a colleague's absence.
    "all_day": "終日",
    "back_at": "〜{time}",
    "out_from": "{time}から",
    # Counts beside a card's title, and what did not fit.
    "items": "{count}件",
    "people": "{count}名",
    "more_items": "ほか {count} 件",
    "more_people": "ほか {count} 名",
    # Banners and a notice's priority chip.
    "urgent": "至急",
    "important": "重要",
    "today": "本日",
    "ict_visit_today": "ICT支援員来校 {visit}",
    # The weather strip (気象警報 in force, the heat alert) and the today panel's weather card.
    "weather_strip": "気象警報",
    "warning_since": "{when}から",
    "warning_level": "レベル{level}",
    "heat_alert": "熱中症警戒アラート発表中",
    "heat_special": "熱中症特別警戒アラート発表中",
    "heat_title": "暑さ指数（WBGT）",
    "heat_max": "今日の最高 {value}",
    "heat_now": "{start}〜{end}",
    # The 運動指針 levels, gravest first (WBGT ≥31, 28–31, 25–28, 21–25, <21).
    "heat_level_stop": "運動は原則中止",
    "heat_level_severe": "厳重警戒",
    "heat_level_warning": "警戒",
    "heat_level_caution": "注意",
    "heat_level_safe": "ほぼ安全",
    "advisories": "注意報",
    # The status line: are the sources fresh.
    "no_sources": "データ源なし",
    "all_updated": "全データ {time} 更新",
    "not_fetched": "{source} 未取得{more}",
    "fetching": "データ取得中（残り{count}件）",
    "not_updated_since": "{source} {time} から未更新{more}",
    "more_sources": " ほか{count}件",
    "skipped": "{counts}読めず",  # beside the status line: rows a source could not read
    "skipped_count": "{what} {count}件",
    # Notes on top: which config the screen shows.
    "demo": "デモ表示中",
    "demo_place_config": "デモ表示中：学校の設定ファイルを {path} に置いてください",
    "config_error": "設定ファイルに誤りがあります（{where}）。前の設定で表示中",
    "error_at_line": "{line}行目 {key}",
    "error_at_file_line": "{file} {line}行目 {key}",
    # A config broken or missing at boot: full screen until the file is fixed.
    "boot_broken": "設定ファイルに誤りが {count} 件あるため、表示を始められません",
    "boot_missing": "設定ファイルが見つからないため、表示を始められません",
    "boot_line": "{line}行目 {key}",
    "boot_hint": "ファイルを直して保存すると、数秒で自動的に表示を始めます。",
    "boot_hint_missing": "この場所に設定ファイルを置くと、数秒で自動的に表示を始めます。",
    "boot_file": "設定ファイル: {file}",
    "central_note": "{problem}（{shown}）",
    "central_unreachable": "教育委員会の設定を取得できません",
    "central_invalid": "教育委員会の新しい設定に誤りがあります",
    "shown_as_of": "前回 {when} の設定で表示中",
    "shown_school_only": "この学校の設定だけで表示中",
    "shown_fetched_only": "取得できた設定だけで表示中",
    # The footer.
    "paused": "一時停止中（スペースで再開）",
    # Today: the bell schedule, events, who is out, absences.
    "minutes_to_chime": "チャイムまで {minutes}分",
    "no_school": "授業はありません",
    "todays_events": "今日の予定",
    "no_events_today": "今日の予定はありません",
    "no_events_day": "予定はありません",
    "not_fetched_yet": "まだ取得できていません",  # for 「…はありません」 before a first fetch
    "event_now": "いま",
    "events_over": "終了 {count} 件",
    "tomorrow": "明日",
    "next_school_day": "次の登校日",
    "staff_out": "不在",
    "no_staff_out": "本日の不在はありません",
    "absences": "欠席・遅刻連絡",
    "no_absences": "本日の連絡はありません",
    "class": "学級",
    "absent": "欠席",
    "late": "遅刻",
    "early_leave": "早退",
    "total": "合計",
    "absences_total": "欠席 {absent}　遅刻 {late}　早退 {early}",
    # The week.
    "is_today": "今日",
    "nothing_planned": "予定なし",
    "week_visit": "ICT",  # the chip before a day's ICT visit in the week
    "week_names": "、",  # between the names of those out on a day
    # The notice board.
    "continued": "{title}（続き）",
    "continues_on_next_page": "次のページへ続く ▶",
    "posted_on": "{date} 掲載",
    "until_day": "{day} まで",
    "until_time": "{day} {time} まで",
    # ICT supporter visits.
    "visits_this_month": "今月のICT支援員来校",
    "of_target": "/ 目標 {target} 回",
    "visits_done": "済 {count} 回",
    "visits_done_short": "済",  # before the month's big figure: 済 n / 目標 4 回
    "visits_under_way": "来校中 {count} 回",
    "visits_planned": "予定 {count} 回",
    "visits_last_month": "先月 {count} 回",
    "upcoming_visits": "これからの来校予定",
    "no_upcoming_visits": "予定されている来校はありません",
    # Stand-ins for a title a source does not give.
    "untitled": "（無題）",
    "private_event": "予定あり",
    # Why the screen is dark (the log says it).
    "holiday": "祝日（{name}）",
    "closed_day": "休校日",
    "day_off": "休日",
    "weekday_off": "{weekday}曜日",
    "off_hours": "時間外",
    # The dark screen's one dim line (and `signage render` at such a moment).
    "dark.why": "{reason}のため表示を休止しています",
    "dark.until": "{when} から表示します",
    "dark.until_day": "{month}月{day}日（{weekday}）{time}",
    # `signage agenda`'s text output.
    "agenda.events": "予定",
    "agenda.visits": "来校",
    "agenda.staff_out": "不在",
    "agenda.notices": "連絡事項",
    "agenda.scheduled": "掲載予定",
    "agenda.bell": "日課",
    "agenda.off": "休み",
    # `signage render`'s notes on stderr.
    "render.dark": "{at} は画面が暗い時間です（{why}）。モニターと同じ暗い画面を書きました",
    "render.pages_cut": "{panel}は {pages} ページあります。最初の {count} ページを書きました",
    "agenda.skipped": "読めず表示していない行 {count}件:",
    "agenda.kept": "表示したが書き方に注意 {count}件:",
    # `signage setup`: the config editor.
    "setup.title": "学校の設定 — {file}{mark}",
    "setup.file": "設定ファイル: {path}",
    "setup.file_new": "設定ファイル: {path}（新しく作ります。「保存」で書き込みます）",
    "setup.section.school": "学校",
    "setup.section.display": "表示する時間",
    "setup.section.bell": "日課",
    "setup.section.sources": "情報源",
    "setup.section.panels": "パネル",
    "setup.section.network": "ネットワーク",
    "setup.panels_help": "切り替わるパネルの順番と秒数（上から順に表示）",
    "setup.required": "必須",
    "setup.default": "（書かない：既定）",
    "setup.choice": "{value}（{label}）",
    "setup.default_is": "既定 {value}",
    "setup.use": "指定する",
    "setup.weekdays": "月火水木金土日",
    "setup.add_days": "休校日に加える",
    "setup.remove": "削除",
    "setup.comma_separated": "「,」で区切って複数書けます",
    "setup.add_row": "行を追加",
    "setup.remove_row": "選んだ行を削除",
    "setup.move_up": "▲ 上へ",
    "setup.move_down": "▼ 下へ",
    "setup.add_source": "追加",
    "setup.source_label": "{id}（{kind}・{role}）",
    "setup.no_sources": "情報源はまだありません。下の「追加」で加えます。",
    "setup.try": "取得してみる",
    "setup.trying": "{source} を取得しています…",
    "setup.try_fix_first": "設定の誤りを直してから取得できます。",
    "setup.try_failed": "取得できませんでした: {error}",
    "setup.tried": "画面に出るもの {shown}件、読めず飛ばすもの {skipped}件",
    "setup.tried_notice": "連絡 {title} {when}",
    "setup.tried_event": "予定 {when} {title}",
    "setup.tried_absence": "連絡 {day} {group} {kind}",
    "setup.skipped_row": "飛ばす {where}: {reason}",
    "setup.warning_row": "注意 {text}",
    "setup.preview_panel": "プレビュー",
    "setup.preview_at": "日時",
    "setup.preview_note": "「取得してみる」で取れたデータで描きます。",
    "setup.preview_stale": "誤りを直すまで、前の正しい設定で描いています。",
    "setup.preview_dark": "この日時は画面が消えています（{reason}）。モニターは黒い画面です。",
    "setup.issue_error": "誤り　{line}行目　{key}: {message}",
    "setup.issue_warning": "警告　{line}行目　{key}: {message}",
    "setup.has_errors": "誤り {errors}件・警告 {warnings}件（誤りがある間は保存できません）",
    "setup.no_problems": "問題ありません",
    "setup.no_problems_warnings": "保存できます（警告 {warnings}件）",
    "setup.save": "保存",
    "setup.saved": "{time} に保存しました",
    "setup.not_saved": "誤りが {count} 件あるため保存していません",
    "setup.save_failed": "保存できませんでした（{error}）",
    "setup.unsaved_title": "保存していない変更",
    "setup.unsaved": "変更を保存しますか？",
    "setup.broken": "{file} の {line}行目が読めません。{message}",
    "setup.broken_hint": "メモ帳などでこの行を直して保存し、「開き直す」を押してください。",
    "setup.reopen": "開き直す",
}


def screen(key: str, /, **fields: object) -> str:
    """The on-screen text `key`, filled in."""
    return SCREEN[key].format(**fields)
