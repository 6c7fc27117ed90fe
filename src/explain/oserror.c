/*
 * OS socket errors: errno and Winsock codes, their names, and the wordings
 * they are printed with.
 *
 * One symbolic error (PD_OSERR_MAP in errmsg.h) has a number in each scheme:
 * errno differs between Linux and macOS/BSD (EADDRINUSE is 98 on Linux and
 * 48 on macOS), Winsock has its own 100xx codes, and libuv on Windows
 * reports its own negative codes (Node, old Kestrel: -4091).  The wording
 * table holds the English strerror()/FormatMessage() texts and the
 * translated Windows texts that users paste.  Translations come from
 * notes/windows-facts.md (zh-CN, and the start of de/es/ru/ja 10013) and
 * from the Windows message tables as commonly pasted (fr, ko, pt-BR, the
 * other de/es/ru/ja texts); only a distinctive fragment is kept, so a
 * variant ending or punctuation still matches.
 *
 * Pure and read-only: the tables are const static data.
 */
#include <stdint.h>
#include <string.h>

#include "errmsg.h"

static const pd_oserror errors[] = {
#define PD_OSERR_ROW_(id, n, wn, lx, bsd, ws, uv, cls, t, wt)                  \
	{PD_OSERR_##id, n, wn, {lx, bsd, ws, uv}, cls, t, wt},
	PD_OSERR_MAP(PD_OSERR_ROW_)
#undef PD_OSERR_ROW_
};

/* Order matters only for ties in pd_oserror_find_text(): at one offset the
 * longest match wins. */
static const pd_oserror_text texts[] = {
	/* errno wordings: glibc, macOS, musl/.NET, Node (lower case). */
	{PD_OSERR_ADDRINUSE, "en", false, false, "Address already in use"},
	{PD_OSERR_ADDRINUSE, "en", false, false, "Address in use"},
	{PD_OSERR_ADDRNOTAVAIL, "en", false, false,
	 "Cannot assign requested address"},
	{PD_OSERR_ADDRNOTAVAIL, "en", false, false,
	 "Can't assign requested address"},
	{PD_OSERR_ADDRNOTAVAIL, "en", false, false, "Address not available"},
	{PD_OSERR_ACCES, "en", false, false, "Permission denied"},
	{PD_OSERR_PERM, "en", false, false, "Operation not permitted"},
	{PD_OSERR_AFNOSUPPORT, "en", false, false,
	 "Address family not supported by protocol"},
	{PD_OSERR_INVAL, "en", false, false, "Invalid argument"},
	{PD_OSERR_NOBUFS, "en", false, false, "No buffer space available"},
	{PD_OSERR_NETDOWN, "en", false, false, "Network is down"},

	/* glibc strerror() in other languages: the msgstr of "Address already
	 * in use", "Cannot assign requested address" and "Permission denied" in
	 * glibc 2.36's libc.mo (Debian libc-l10n 2.36-9, /usr/share/locale/LANG/
	 * LC_MESSAGES/libc.mo, read with msgunfmt). */
	{PD_OSERR_ADDRINUSE, "de", false, false, "Die Adresse wird bereits verwendet"},
	{PD_OSERR_ADDRNOTAVAIL, "de", false, false, "Die angeforderte Adresse kann nicht zugewiesen werden"},
	{PD_OSERR_ACCES, "de", false, false, "Keine Berechtigung"},
	{PD_OSERR_ADDRINUSE, "fr", false, false, "Adresse d\xc3\xa9j\xc3\xa0 utilis\xc3\xa9" "e"}, /* Adresse déjà utilisée */
	{PD_OSERR_ADDRNOTAVAIL, "fr", false, false, "Ne peut attribuer l'adresse demand\xc3\xa9" "e"}, /* Ne peut attribuer l'adresse demandée */
	{PD_OSERR_ACCES, "fr", false, false, "Permission non accord\xc3\xa9" "e"}, /* Permission non accordée */
	{PD_OSERR_ADDRINUSE, "es", false, false, "La direcci\xc3\xb3n ya se est\xc3\xa1 usando"}, /* La dirección ya se está usando */
	{PD_OSERR_ADDRNOTAVAIL, "es", false, false, "No se puede asignar la direcci\xc3\xb3n solicitada"}, /* No se puede asignar la dirección solicitada */
	{PD_OSERR_ACCES, "es", false, false, "Permiso denegado"},
	{PD_OSERR_ADDRINUSE, "it", false, false, "Indirizzo gi\xc3\xa0 in uso"}, /* Indirizzo già in uso */
	{PD_OSERR_ADDRNOTAVAIL, "it", false, false, "Impossibile assegnare l'indirizzo richiesto"},
	{PD_OSERR_ACCES, "it", false, false, "Permesso negato"},
	{PD_OSERR_ADDRINUSE, "pt-BR", false, false, "Endere\xc3\xa7o j\xc3\xa1 em uso"}, /* Endereço já em uso */
	{PD_OSERR_ADDRNOTAVAIL, "pt-BR", false, false, "N\xc3\xa3o foi poss\xc3\xadvel acessar o endere\xc3\xa7o requisitado"}, /* Não foi possível acessar o endereço requisitado */
	{PD_OSERR_ACCES, "pt-BR", false, false, "Permiss\xc3\xa3o negada"}, /* Permissão negada */
	{PD_OSERR_ADDRINUSE, "pl", false, false, "Adres jest ju\xc5\xbc w u\xc5\xbcyciu"}, /* Adres jest już w użyciu */
	{PD_OSERR_ADDRNOTAVAIL, "pl", false, false, "Nie mo\xc5\xbcna przypisa\xc4\x87 \xc5\xbc\xc4\x85" "danego adresu"}, /* Nie można przypisać żądanego adresu */
	{PD_OSERR_ACCES, "pl", false, false, "Brak dost\xc4\x99pu"}, /* Brak dostępu */
	{PD_OSERR_ADDRINUSE, "ru", false, false, "\xd0\x90\xd0\xb4\xd1\x80\xd0\xb5\xd1\x81 \xd1\x83\xd0\xb6\xd0\xb5 \xd0\xb8\xd1\x81\xd0\xbf\xd0\xbe\xd0\xbb\xd1\x8c\xd0\xb7\xd1\x83\xd0\xb5\xd1\x82\xd1\x81\xd1\x8f"}, /* Адрес уже используется */
	{PD_OSERR_ADDRNOTAVAIL, "ru", false, false, "\xd0\x9d\xd0\xb5\xd0\xb2\xd0\xbe\xd0\xb7\xd0\xbc\xd0\xbe\xd0\xb6\xd0\xbd\xd0\xbe \xd0\xbd\xd0\xb0\xd0\xb7\xd0\xbd\xd0\xb0\xd1\x87\xd0\xb8\xd1\x82\xd1\x8c \xd0\xb7\xd0\xb0\xd0\xbf\xd1\x80\xd0\xbe\xd1\x88\xd0\xb5\xd0\xbd\xd0\xbd\xd1\x8b\xd0\xb9 \xd0\xb0\xd0\xb4\xd1\x80\xd0\xb5\xd1\x81"}, /* Невозможно назначить запрошенный адрес */
	{PD_OSERR_ACCES, "ru", false, false, "\xd0\x9e\xd1\x82\xd0\xba\xd0\xb0\xd0\xb7\xd0\xb0\xd0\xbd\xd0\xbe \xd0\xb2 \xd0\xb4\xd0\xbe\xd1\x81\xd1\x82\xd1\x83\xd0\xbf\xd0\xb5"}, /* Отказано в доступе */
	{PD_OSERR_ADDRINUSE, "zh-CN", false, false, "\xe5\x9c\xb0\xe5\x9d\x80\xe5\xb7\xb2\xe5\x9c\xa8\xe4\xbd\xbf\xe7\x94\xa8"}, /* 地址已在使用 */
	{PD_OSERR_ADDRNOTAVAIL, "zh-CN", false, false, "\xe6\x97\xa0\xe6\xb3\x95\xe6\x8c\x87\xe5\xae\x9a\xe8\xa2\xab\xe8\xaf\xb7\xe6\xb1\x82\xe7\x9a\x84\xe5\x9c\xb0\xe5\x9d\x80"}, /* 无法指定被请求的地址 */
	{PD_OSERR_ACCES, "zh-CN", false, false, "\xe6\x9d\x83\xe9\x99\x90\xe4\xb8\x8d\xe5\xa4\x9f"}, /* 权限不够 */
	{PD_OSERR_ADDRINUSE, "zh-TW", false, false, "\xe4\xbd\x8d\xe5\x9d\x80\xe5\xb7\xb2\xe7\xb6\x93\xe6\x9c\x89\xe5\x9c\xa8\xe4\xbd\xbf\xe7\x94\xa8"}, /* 位址已經有在使用 */
	{PD_OSERR_ADDRNOTAVAIL, "zh-TW", false, false, "\xe7\x84\xa1\xe6\xb3\x95\xe6\x8c\x87\xe5\xae\x9a\xe6\x89\x80\xe9\x9c\x80\xe7\x9a\x84\xe4\xbd\x8d\xe5\x9d\x80"}, /* 無法指定所需的位址 */
	{PD_OSERR_ACCES, "zh-TW", false, false, "\xe6\x8b\x92\xe7\xb5\x95\xe4\xb8\x8d\xe7\xac\xa6\xe6\xac\x8a\xe9\x99\x90\xe7\x9a\x84\xe6\x93\x8d\xe4\xbd\x9c"}, /* 拒絕不符權限的操作 */
	{PD_OSERR_ADDRINUSE, "ja", false, false, "\xe3\x82\xa2\xe3\x83\x89\xe3\x83\xac\xe3\x82\xb9\xe3\x81\xaf\xe6\x97\xa2\xe3\x81\xab\xe4\xbd\xbf\xe7\x94\xa8\xe4\xb8\xad\xe3\x81\xa7\xe3\x81\x99"}, /* アドレスは既に使用中です */
	{PD_OSERR_ADDRNOTAVAIL, "ja", false, false, "\xe8\xa6\x81\xe6\xb1\x82\xe3\x82\xa2\xe3\x83\x89\xe3\x83\xac\xe3\x82\xb9\xe3\x81\xab\xe5\x89\xb2\xe3\x82\x8a\xe5\xbd\x93\xe3\x81\xa6\xe3\x82\x89\xe3\x82\x8c\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93"}, /* 要求アドレスに割り当てられません */
	{PD_OSERR_ACCES, "ja", false, false, "\xe8\xa8\xb1\xe5\x8f\xaf\xe3\x81\x8c\xe3\x81\x82\xe3\x82\x8a\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93"}, /* 許可がありません */
	{PD_OSERR_ADDRINUSE, "ko", false, false, "\xec\xa3\xbc\xec\x86\x8c\xea\xb0\x80 \xec\x9d\xb4\xeb\xaf\xb8 \xec\x82\xac\xec\x9a\xa9 \xec\xa4\x91\xec\x9e\x85\xeb\x8b\x88\xeb\x8b\xa4"}, /* 주소가 이미 사용 중입니다 */
	{PD_OSERR_ADDRNOTAVAIL, "ko", false, false, "\xec\x9a\x94\xec\xb2\xad\xed\x95\x9c \xec\xa3\xbc\xec\x86\x8c\xeb\xa5\xbc \xeb\xb0\xb0\xec\xa0\x95\xed\x95\xa0 \xec\x88\x98 \xec\x97\x86\xec\x8a\xb5\xeb\x8b\x88\xeb\x8b\xa4"}, /* 요청한 주소를 배정할 수 없습니다 */
	{PD_OSERR_ACCES, "ko", false, false, "\xed\x97\x88\xea\xb0\x80 \xea\xb1\xb0\xeb\xb6\x80"}, /* 허가 거부 */

	/* Winsock FormatMessage() wordings. */
	{PD_OSERR_ACCES, "en", true, true,
	 "An attempt was made to access a socket in a way forbidden by"},
	{PD_OSERR_ACCES, "en", true, false, "forbidden by its access permissions"},
	{PD_OSERR_ADDRINUSE, "en", true, true,
	 "Only one usage of each socket address"},
	{PD_OSERR_ADDRNOTAVAIL, "en", true, false,
	 "The requested address is not valid in its context"},
	{PD_OSERR_AFNOSUPPORT, "en", true, false,
	 "An address incompatible with the requested protocol was used"},
	{PD_OSERR_NOBUFS, "en", true, true,
	 "An operation on a socket could not be performed because the system "
	 "lacked sufficient buffer space"},

	/* Simplified Chinese. */
	{PD_OSERR_ACCES, "zh-CN", true, false,
	 "\xe4\xbb\xa5\xe4\xb8\x80\xe7\xa7\x8d\xe8\xae\xbf\xe9\x97\xae\xe6\x9d"
	 "\x83\xe9\x99\x90\xe4\xb8\x8d\xe5\x85\x81\xe8\xae\xb8\xe7\x9a\x84\xe6"
	 "\x96\xb9\xe5\xbc\x8f"}, /* 以一种访问权限不允许的方式 */
	{PD_OSERR_ADDRINUSE, "zh-CN", true, true,
	 "\xe9\x80\x9a\xe5\xb8\xb8\xe6\xaf\x8f\xe4\xb8\xaa\xe5\xa5\x97\xe6\x8e"
	 "\xa5\xe5\xad\x97\xe5\x9c\xb0\xe5\x9d\x80"}, /* 通常每个套接字地址 */
	{PD_OSERR_ADDRNOTAVAIL, "zh-CN", true, false,
	 "\xe8\xaf\xa5\xe8\xaf\xb7\xe6\xb1\x82\xe7\x9a\x84\xe5\x9c\xb0\xe5\x9d"
	 "\x80\xe6\x97\xa0\xe6\x95\x88"}, /* 该请求的地址无效 */

	/* German. */
	{PD_OSERR_ACCES, "de", true, true,
	 "Der Zugriff auf einen Socket war aufgrund der Zugriffsrechte"},
	{PD_OSERR_ADDRINUSE, "de", true, true,
	 "Normalerweise darf jede Socketadresse"},
	{PD_OSERR_ADDRNOTAVAIL, "de", true, true,
	 "Die angeforderte Adresse ist in diesem Kontext ung"},

	/* Spanish. */
	{PD_OSERR_ACCES, "es", true, true,
	 "Intento de acceso a un socket no permitido"},
	{PD_OSERR_ADDRINUSE, "es", true, true,
	 "un uso de cada direcci\xc3\xb3n de socket"},
	{PD_OSERR_ADDRNOTAVAIL, "es", true, true,
	 "La direcci\xc3\xb3n solicitada no es v\xc3\xa1lida en este contexto"},

	/* Russian. */
	{PD_OSERR_ACCES, "ru", true, true,
	 "\xd0\xa1\xd0\xb4\xd0\xb5\xd0\xbb\xd0\xb0\xd0\xbd\xd0\xb0 \xd0\xbf\xd0"
	 "\xbe\xd0\xbf\xd1\x8b\xd1\x82\xd0\xba\xd0\xb0 \xd0\xb4\xd0\xbe\xd1\x81"
	 "\xd1\x82\xd1\x83\xd0\xbf\xd0\xb0 \xd0\xba \xd1\x81\xd0\xbe\xd0\xba\xd0"
	 "\xb5\xd1\x82\xd1\x83"}, /* Сделана попытка доступа к сокету */
	{PD_OSERR_ADDRINUSE, "ru", true, true,
	 "\xd0\xbe\xd0\xb4\xd0\xbd\xd0\xbe \xd0\xb8\xd1\x81\xd0\xbf\xd0\xbe\xd0"
	 "\xbb\xd1\x8c\xd0\xb7\xd0\xbe\xd0\xb2\xd0\xb0\xd0\xbd\xd0\xb8\xd0\xb5 "
	 "\xd0\xb0\xd0\xb4\xd1\x80\xd0\xb5\xd1\x81\xd0\xb0 \xd1\x81\xd0\xbe\xd0"
	 "\xba\xd0\xb5\xd1\x82\xd0\xb0"}, /* одно использование адреса сокета */
	{PD_OSERR_ADDRNOTAVAIL, "ru", true, true,
	 "\xd0\xa2\xd1\x80\xd0\xb5\xd0\xb1\xd1\x83\xd0\xb5\xd0\xbc\xd1\x8b\xd0"
	 "\xb9 \xd0\xb0\xd0\xb4\xd1\x80\xd0\xb5\xd1\x81 \xd0\xb4\xd0\xbb\xd1\x8f "
	 "\xd1\x81\xd0\xb2\xd0\xbe\xd0\xb5\xd0\xb3\xd0\xbe \xd0\xba\xd0\xbe\xd0"
	 "\xbd\xd1\x82\xd0\xb5\xd0\xba\xd1\x81\xd1\x82\xd0\xb0"},
	/* Требуемый адрес для своего контекста */

	/* Japanese. */
	{PD_OSERR_ACCES, "ja", true, true,
	 "\xe3\x82\xa2\xe3\x82\xaf\xe3\x82\xbb\xe3\x82\xb9\xe8\xa8\xb1\xe5\x8f"
	 "\xaf\xe3\x81\xa7\xe7\xa6\x81\xe3\x81\x98\xe3\x82\x89\xe3\x82\x8c\xe3"
	 "\x81\x9f\xe6\x96\xb9\xe6\xb3\x95\xe3\x81\xa7\xe3\x82\xbd\xe3\x82\xb1"
	 "\xe3\x83\x83\xe3\x83\x88"}, /* アクセス許可で禁じられた方法でソケット */
	{PD_OSERR_ADDRINUSE, "ja", true, true,
	 "\xe5\x90\x84\xe3\x82\xbd\xe3\x82\xb1\xe3\x83\x83\xe3\x83\x88 \xe3\x82"
	 "\xa2\xe3\x83\x89\xe3\x83\xac\xe3\x82\xb9\xe3\x81\xab\xe5\xaf\xbe\xe3"
	 "\x81\x97\xe3\x81\xa6"}, /* 各ソケット アドレスに対して */
	{PD_OSERR_ADDRNOTAVAIL, "ja", true, true,
	 "\xe8\xa6\x81\xe6\xb1\x82\xe3\x81\x97\xe3\x81\x9f\xe3\x82\xa2\xe3\x83"
	 "\x89\xe3\x83\xac\xe3\x82\xb9\xe3\x81\xaf\xe3\x81\x9d\xe3\x81\xae\xe3"
	 "\x82\xb3\xe3\x83\xb3\xe3\x83\x86\xe3\x82\xad\xe3\x82\xb9\xe3\x83\x88"},
	/* 要求したアドレスはそのコンテキスト */

	/* French. */
	{PD_OSERR_ACCES, "fr", true, true,
	 "interdite par ses autorisations d'acc\xc3\xa8s"},
	{PD_OSERR_ADDRINUSE, "fr", true, true,
	 "Une seule utilisation de chaque adresse de socket"},
	{PD_OSERR_ADDRNOTAVAIL, "fr", true, true,
	 "n'est pas valide dans son contexte"},

	/* Korean. */
	{PD_OSERR_ACCES, "ko", true, true,
	 "\xec\x95\xa1\xec\x84\xb8\xec\x8a\xa4 \xea\xb6\x8c\xed\x95\x9c\xec\x97"
	 "\x90 \xec\x9d\x98\xed\x95\xb4 \xec\x88\xa8\xea\xb2\xa8\xec\xa7\x84 "
	 "\xec\x86\x8c\xec\xbc\x93"}, /* 액세스 권한에 의해 숨겨진 소켓 */
	{PD_OSERR_ADDRINUSE, "ko", true, true,
	 "\xea\xb0\x81 \xec\x86\x8c\xec\xbc\x93 \xec\xa3\xbc\xec\x86\x8c"},
	/* 각 소켓 주소 */

	/* Portuguese (Brazil). */
	{PD_OSERR_ACCES, "pt-BR", true, true,
	 "tentativa de acesso a um soquete"},
	{PD_OSERR_ADDRINUSE, "pt-BR", true, true,
	 "de cada endere\xc3\xa7o de soquete"},
};

const pd_oserror *pd_oserror_get(pd_oserr_id id)
{
	if ((unsigned)id >= PD__OSERR_COUNT)
		return NULL;
	return &errors[id];
}

const pd_oserror *pd_oserror_by_code(pd_osfam fam, int code)
{
	if ((unsigned)fam > PD_OSFAM_LIBUV_WIN || code == 0)
		return NULL;
	for (size_t i = 0; i < PD__OSERR_COUNT; i++)
		if (errors[i].code[fam] == code)
			return &errors[i];
	return NULL;
}

const pd_oserror *pd_oserror_by_name(const char *name, size_t len,
                                     bool *ret_winsock)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < PD__OSERR_COUNT; i++) {
		const char *n = errors[i].name, *w = errors[i].wsa_name;
		if (strlen(n) == len && memcmp(n, name, len) == 0) {
			if (ret_winsock)
				*ret_winsock = false;
			return &errors[i];
		}
		if (w && strlen(w) == len && memcmp(w, name, len) == 0) {
			if (ret_winsock)
				*ret_winsock = true;
			return &errors[i];
		}
	}
	return NULL;
}

const char *pd_oserror_name_in(const pd_oserror *e, pd_osfam fam)
{
	if (!e)
		return NULL;
	if (fam == PD_OSFAM_WINSOCK && e->wsa_name)
		return e->wsa_name;
	return e->name;
}

const pd_oserror_text *pd_oserror_texts(size_t *ret_n)
{
	if (ret_n)
		*ret_n = sizeof(texts) / sizeof(texts[0]);
	return texts;
}

static int ascii_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static bool is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* ' in a pattern matches ' and U+2019 (Word and browsers curl apostrophes);
 * a blank matches any run of blanks, so a wrapped line still matches. */
size_t pd_oserror_text_match(const pd_oserror_text *t, const char *text,
                             size_t len)
{
	const unsigned char *p, *s = (const unsigned char *)text;
	size_t i = 0;

	if (!t || !text)
		return 0;
	for (p = (const unsigned char *)t->text; *p; p++) {
		if (*p == ' ') {
			if (i >= len || !is_blank(s[i]))
				return 0;
			while (i < len && is_blank(s[i]))
				i++;
		} else if (*p == '\'') {
			if (i < len && s[i] == '\'')
				i++;
			else if (len - i >= 3 && s[i] == 0xe2 && s[i + 1] == 0x80 &&
			         s[i + 2] == 0x99)
				i += 3;
			else
				return 0;
		} else {
			if (i >= len || ascii_lower(s[i]) != ascii_lower(*p))
				return 0;
			i++;
		}
	}
	return i;
}

/* Is text[0..len) (len > 0) the start of wording t, cut off before its end?
 * The same rules as pd_oserror_text_match(); a cut inside a run of blanks
 * or inside a UTF-8 character still counts. */
bool pd_oserror_text_is_prefix(const pd_oserror_text *t, const char *text,
                               size_t len)
{
	const unsigned char *p, *s = (const unsigned char *)text;
	size_t i = 0;

	if (!t || !text || !len)
		return false;
	for (p = (const unsigned char *)t->text; *p && i < len; p++) {
		if (*p == ' ') {
			if (!is_blank(s[i]))
				return false;
			while (i < len && is_blank(s[i]))
				i++;
		} else if (ascii_lower(s[i]) != ascii_lower(*p)) {
			return false;
		} else {
			i++;
		}
	}
	return i == len && *p;
}

const pd_oserror_text *pd_oserror_find_text(const char *text, size_t len,
                                            size_t *ret_off, size_t *ret_len)
{
	size_t n = sizeof(texts) / sizeof(texts[0]);

	if (!text)
		return NULL;
	for (size_t off = 0; off < len; off++) {
		const pd_oserror_text *best = NULL;
		size_t best_len = 0;
		int c = ascii_lower((unsigned char)text[off]);
		for (size_t k = 0; k < n; k++) {
			size_t m;
			if (ascii_lower((unsigned char)texts[k].text[0]) != c)
				continue;
			m = pd_oserror_text_match(&texts[k], text + off, len - off);
			if (m > best_len) {
				best = &texts[k];
				best_len = m;
			}
		}
		if (best) {
			if (ret_off)
				*ret_off = off;
			if (ret_len)
				*ret_len = best_len;
			return best;
		}
	}
	return NULL;
}

static const char *const class_names[] = {
#define PD_ERRCLASS_NAME_(id, name) name,
	PD_ERRCLASS_MAP(PD_ERRCLASS_NAME_)
#undef PD_ERRCLASS_NAME_
};

const char *pd_errclass_name(pd_errclass c)
{
	if ((unsigned)c >= PD__ERRCLASS_COUNT)
		return class_names[PD_ERRCLASS_UNKNOWN];
	return class_names[c];
}

int pd_errclass_parse(const char *name, pd_errclass *ret)
{
	if (!name || !ret)
		return PD_EINVAL;
	for (size_t i = 0; i < PD__ERRCLASS_COUNT; i++)
		if (strcmp(class_names[i], name) == 0) {
			*ret = (pd_errclass)i;
			return 0;
		}
	return PD_EINVAL;
}
