/*-------------------------------------------------------------------------
 *
 * kipc_handshake.c
 *		Building and parsing the credential string of the q handshake.
 *
 * The client sends "user:password", one capability byte and a NUL
 * (kdb-ipc-protocol.md 1.1); the server answers with one byte.  These
 * helpers only deal with the bytes; kipc_conn.c and the q test server do
 * the I/O.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		src/kipc/kipc_handshake.c
 *
 *-------------------------------------------------------------------------
 */
#include "kipc_int.h"

/*
 * NULL user or password count as empty, so no credentials give ":" plus the
 * capability, which is what qPython sends and every server accepts.  A ':'
 * in the user name cannot be represented (kdb+ splits at the first ':'),
 * so it is refused rather than silently producing another user.
 */
KipcStatus
kipc_handshake_build(const char *user, const char *password,
					 uint8_t capability, uint8_t **out, size_t *len)
{
	size_t		ulen;
	size_t		plen;
	uint8_t    *buf;

	if (out == NULL || len == NULL)
		return KIPC_ERR_ARG;
	*out = NULL;
	*len = 0;
	if (user == NULL)
		user = "";
	if (password == NULL)
		password = "";
	if (strchr(user, ':') != NULL || capability > 6)
		return KIPC_ERR_ARG;
	ulen = strlen(user);
	plen = strlen(password);
	if (ulen > SIZE_MAX / 2 || plen > SIZE_MAX / 2 - ulen - 3)
		return KIPC_ERR_ARG;
	buf = kipc_malloc(ulen + plen + 3);
	if (buf == NULL)
		return KIPC_ERR_NOMEM;
	memcpy(buf, user, ulen);
	buf[ulen] = ':';
	memcpy(buf + ulen + 1, password, plen);
	buf[ulen + 1 + plen] = capability;
	buf[ulen + 2 + plen] = 0;
	*out = buf;
	*len = ulen + plen + 3;
	return KIPC_OK;
}

/*
 * Returns KIPC_INCOMPLETE while buf holds no NUL yet (the credential string
 * may arrive in pieces).  Capability 0 with no byte taken covers legacy
 * clients whose string ends in a printable password character.
 */
KipcStatus
kipc_handshake_parse(const uint8_t *buf, size_t len, char **user,
					 char **password, uint8_t *capability)
{
	const uint8_t *nul;
	const uint8_t *colon;
	size_t		clen;

	if (user == NULL || password == NULL || capability == NULL ||
		(buf == NULL && len > 0))
		return KIPC_ERR_ARG;
	*user = NULL;
	*password = NULL;
	*capability = 0;
	nul = len ? memchr(buf, 0, len) : NULL;
	if (nul == NULL)
		return KIPC_INCOMPLETE;
	clen = (size_t) (nul - buf);
	if (clen > 0 && buf[clen - 1] <= 6)
	{
		*capability = buf[clen - 1];
		clen--;
	}
	colon = clen ? memchr(buf, ':', clen) : NULL;
	if (colon)
	{
		*user = kipc_strndup((const char *) buf, (size_t) (colon - buf));
		*password = kipc_strndup((const char *) colon + 1, clen - (size_t) (colon - buf) - 1);
	}
	else
	{
		*user = kipc_strndup((const char *) buf, clen);
		*password = kipc_strndup("", 0);
	}
	if (*user == NULL || *password == NULL)
	{
		kipc_free(*user);
		kipc_free(*password);
		*user = *password = NULL;
		return KIPC_ERR_NOMEM;
	}
	return KIPC_OK;
}
