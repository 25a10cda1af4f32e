/*-------------------------------------------------------------------------
 *
 * q_sym.c
 *		The symbol table: every symbol the interpreter keeps is interned.
 *
 * kdb+ interns symbols: a symbol item is a pointer into one process-wide
 * table holding each distinct string once, so comparing two symbols for
 * equality, hashing or grouping them is pointer work, and no symbol is
 * ever freed (KX C API reference: ss and sn intern a string; .Q.w counts
 * the interned symbols apart from the heap, as syms and symw, and they
 * stay for the life of the process).  The test server does the same
 * through libkipc's interner hook (kipc_set_symbol_interner): the heap
 * symbols it makes carry KIPC_F_INTERNED and hold this table's strings.
 * Their text is unchanged, so ordering (asc, <, iasc), casts, display and
 * the IPC bytes still work on the text; only equality may use pointers.
 *
 * Each string gets a dense id (1, 2, ...; 0 is the empty symbol, which
 * libkipc keeps as its own shared string and never interns), stored in
 * the four bytes before the string, so q_sym_id() reads a symbol's id
 * without a lookup: grouping numbers ids through an array.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_sym.c
 *
 *-------------------------------------------------------------------------
 */
#include "q_verbs.h"

#define SYM_CHUNK	(1024 * 1024)

typedef struct SymTab
{
	uint32_t   *slot;			/* id, 0 = empty slot */
	uint64_t	mask;
	const char **str;			/* per id (str[0] unused) */
	uint32_t   *hash;			/* per id: low bits of the string's hash */
	uint32_t	n;				/* ids issued */
	uint32_t	cap;			/* room in str and hash */
	char	   *chunk;			/* storage of the strings */
	size_t		used,
				size;
} SymTab;

static SymTab tab;

static uint64_t
sym_hash(const char *s, size_t len)
{
	uint64_t	h = 1469598103934665603ULL;
	size_t		k;

	for (k = 0; k < len; k++)
		h = (h ^ (uint8_t) s[k]) * 1099511628211ULL;
	h ^= h >> 32;
	return h;
}

/* room for a new entry: 4 id bytes, the string and its NUL, 4-aligned */
static char *
sym_room(size_t len)
{
	size_t		need = (4 + len + 1 + 3) & ~(size_t) 3;
	char	   *p;

	if (need > SYM_CHUNK / 4)
		return malloc(need);	/* a long one gets its own block */
	if (tab.chunk == NULL || tab.used + need > tab.size)
	{
		tab.chunk = malloc(SYM_CHUNK);
		if (tab.chunk == NULL)
			return NULL;
		tab.used = 0;
		tab.size = SYM_CHUNK;
	}
	p = tab.chunk + tab.used;
	tab.used += need;
	return p;
}

static bool
sym_grow(void)
{
	uint64_t	ncap = (tab.mask + 1) * 2,
				mask = ncap - 1;
	uint32_t   *ns = calloc(ncap, sizeof(uint32_t));
	uint32_t	id;

	if (ns == NULL)
		return false;
	for (id = 1; id <= tab.n; id++)
	{
		uint64_t	s = tab.hash[id] & mask;

		while (ns[s])
			s = (s + 1) & mask;
		ns[s] = id;
	}
	free(tab.slot);
	tab.slot = ns;
	tab.mask = mask;
	return true;
}

/* the interner libkipc calls (KipcInternFn): never asked for "" */
static const char *
sym_intern(const char *s, size_t len)
{
	uint64_t	h = sym_hash(s, len),
				p;
	char	   *e;

	for (p = h & tab.mask;; p = (p + 1) & tab.mask)
	{
		uint32_t	id = tab.slot[p];
		const char *t;

		if (id == 0)
			break;
		t = tab.str[id];
		if (tab.hash[id] == (uint32_t) h && memcmp(t, s, len) == 0 && t[len] == '\0')
			return t;
	}
	if ((uint64_t) tab.n + 2 > tab.mask)
		return NULL;			/* could not grow the slots: keep one free */
	if (tab.n + 1 >= tab.cap)
	{
		uint32_t	ncap = tab.cap * 2;
		const char **ns;
		uint32_t   *nh;

		/* each grown block is kept at once: a failure leaves both usable */
		if (!(nh = realloc(tab.hash, sizeof(uint32_t) * ncap)))
			return NULL;
		tab.hash = nh;
		if (!(ns = realloc(tab.str, sizeof(char *) * ncap)))
			return NULL;
		tab.str = ns;
		tab.cap = ncap;
	}
	e = sym_room(len);
	if (e == NULL)
		return NULL;
	tab.n++;
	memcpy(e, &tab.n, 4);
	memcpy(e + 4, s, len);
	e[4 + len] = '\0';
	tab.str[tab.n] = e + 4;
	tab.hash[tab.n] = (uint32_t) h;
	tab.slot[p] = tab.n;
	/* at most half full; if growing fails the next new symbol retries */
	if ((uint64_t) tab.n * 2 > tab.mask + 1)
		sym_grow();
	return e + 4;
}

/* install the symbol table (first call only) */
void
q_sym_init(void)
{
	if (tab.slot)
		return;
	tab.mask = 1023;
	tab.slot = calloc(tab.mask + 1, sizeof(uint32_t));
	tab.cap = 512;
	tab.str = malloc(sizeof(char *) * tab.cap);
	tab.hash = malloc(sizeof(uint32_t) * tab.cap);
	if (!tab.slot || !tab.str || !tab.hash)
	{
		fprintf(stderr, "qserver: out of memory\n");
		exit(1);
	}
	kipc_set_symbol_interner(sym_intern);
}

/* ids issued so far: every q_sym_id() is at most this */
uint32_t
q_sym_count(void)
{
	return tab.n;
}
