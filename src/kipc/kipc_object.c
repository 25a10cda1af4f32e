/*-------------------------------------------------------------------------
 *
 * kipc_object.c
 *		The q object model: allocator, arena, constructors, reference
 *		counting, deep copy, match and null tests.
 *
 * Heap objects keep their items in a separate allocation so that
 * kipc_resize() can grow them in place; message objects (KIPC_F_ARENA) are
 * built by kipc_decode.c inside an arena and point into the message buffer,
 * so every function here that frees or mutates must leave them alone.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		src/kipc/kipc_object.c
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdlib.h>

#include "kipc_int.h"

/* ----------------------------------------------------------------
 * Allocator
 * ----------------------------------------------------------------
 */
static KipcAllocator kipc_allocator = {malloc, realloc, free};

const char	kipc_empty_symbol[1] = "";

/* see kipc_set_symbol_interner(); NULL: every symbol owns its copy */
static KipcInternFn kipc_interner = NULL;

void
kipc_set_symbol_interner(KipcInternFn fn)
{
	kipc_interner = fn;
}

/*
 * The string a symbol of object o (flags say how it keeps them) stores for
 * the len bytes at s: the shared empty symbol, the interned copy or a
 * private one; NULL when out of memory (or an interned object without an
 * interner).
 */
static const char *
sym_store(const KipcObject *o, const char *s, size_t len)
{
	if (len == 0)
		return kipc_empty_symbol;
	if (o->flags & KIPC_F_INTERNED)
		return kipc_interner ? kipc_interner(s, len) : NULL;
	return kipc_strndup(s, len);
}

/* free a symbol string of object o unless it is shared or interned */
static void
sym_release(const KipcObject *o, const char *s)
{
	if (s != kipc_empty_symbol && !(o->flags & KIPC_F_INTERNED))
		kipc_free((void *) s);
}

void
kipc_set_allocator(const KipcAllocator *alloc)
{
	if (alloc == NULL)
	{
		kipc_allocator.malloc_fn = malloc;
		kipc_allocator.realloc_fn = realloc;
		kipc_allocator.free_fn = free;
	}
	else
		kipc_allocator = *alloc;
}

void *
kipc_malloc(size_t size)
{
	/* malloc(0) may return NULL; callers treat NULL as out of memory */
	return kipc_allocator.malloc_fn(size ? size : 1);
}

void *
kipc_realloc(void *ptr, size_t size)
{
	return kipc_allocator.realloc_fn(ptr, size ? size : 1);
}

void
kipc_free(void *ptr)
{
	if (ptr)
		kipc_allocator.free_fn(ptr);
}

char *
kipc_strndup(const char *s, size_t len)
{
	char	   *p = kipc_malloc(len + 1);

	if (p == NULL)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* ----------------------------------------------------------------
 * Arena
 * ----------------------------------------------------------------
 */
typedef struct KipcArenaChunk
{
	struct KipcArenaChunk *next;
	size_t		size;			/* usable bytes in data */
	size_t		used;
	/* the data follows, 16-byte aligned via the union below */
	union
	{
		max_align_t align;
		char		data[1];
	}			u;
} KipcArenaChunk;

struct KipcArena
{
	KipcArenaChunk *head;
	size_t		next_size;		/* size of the next ordinary chunk */
};

#define KIPC_ARENA_FIRST_CHUNK	4096
#define KIPC_ARENA_MAX_CHUNK	(1024 * 1024)

KipcArena *
kipc_arena_new(void)
{
	KipcArena  *a = kipc_malloc(sizeof(KipcArena));

	if (a == NULL)
		return NULL;
	a->head = NULL;
	a->next_size = KIPC_ARENA_FIRST_CHUNK;
	return a;
}

void *
kipc_arena_alloc(KipcArena *arena, size_t size)
{
	KipcArenaChunk *c = arena->head;
	size_t		csize;
	void	   *p;

	/* keep every allocation 8-byte aligned: objects hold int64 and pointers */
	size = (size + 7) & ~(size_t) 7;
	if (size == 0)
		size = 8;

	if (c == NULL || c->size - c->used < size)
	{
		/*
		 * Big requests (pointer arrays of long lists) get a chunk of their
		 * own; small ones share chunks that double up to 1 MB, so a message
		 * with many small objects needs few allocations.
		 */
		csize = arena->next_size;
		if (size > csize)
			csize = size;
		else if (arena->next_size < KIPC_ARENA_MAX_CHUNK)
			arena->next_size *= 2;
		if (csize > SIZE_MAX - sizeof(KipcArenaChunk))
			return NULL;
		c = kipc_malloc(offsetof(KipcArenaChunk, u) + csize);
		if (c == NULL)
			return NULL;
		c->size = csize;
		c->used = 0;
		c->next = arena->head;
		arena->head = c;
	}
	p = c->u.data + c->used;
	c->used += size;
	return p;
}

void
kipc_arena_free(KipcArena *arena)
{
	KipcArenaChunk *c;

	if (arena == NULL)
		return;
	c = arena->head;
	while (c)
	{
		KipcArenaChunk *next = c->next;

		kipc_free(c);
		c = next;
	}
	kipc_free(arena);
}

/* ----------------------------------------------------------------
 * Type information
 * ----------------------------------------------------------------
 */
static const int8_t kipc_sizes[20] = {
	0, 1, 16, 0, 1, 2, 4, 8, 4, 8, 1, 0, 8, 4, 4, 8, 8, 4, 4, 4
};

bool
kipc_type_is_vector(int type)
{
	return type >= 1 && type <= 19 && type != 3;
}

int
kipc_type_size(int type)
{
	if (!kipc_type_is_vector(type))
		return 0;
	return kipc_sizes[type];
}

char
kipc_type_char(int type)
{
	static const char letters[] = " bg xhijefcspmdznuvt";
	int			t = type < 0 ? -type : type;

	if (t > 19)
		return ' ';
	return letters[t];
}

const char *
kipc_type_name(int type)
{
	static const char *const names[20] = {
		"list", "boolean", "guid", NULL, "byte", "short", "int", "long",
		"real", "float", "char", "symbol", "timestamp", "month", "date",
		"datetime", "timespan", "minute", "second", "time"
	};
	int			t = type < 0 ? -type : type;

	if (type == KIPC_T_ERROR)
		return "error";
	if (t <= 19 && names[t] != NULL)
		return names[t];
	if (type >= 20 && type <= 76)
		return "enumeration";
	if (type >= 77 && type <= 97)
		return "mapped list";
	switch (type)
	{
		case KIPC_T_TABLE:
			return "table";
		case KIPC_T_DICT:
			return "dictionary";
		case KIPC_T_SORTED_DICT:
			return "sorted dictionary";
		case KIPC_T_LAMBDA:
			return "lambda";
		case KIPC_T_UNARY:
			return "unary primitive";
		case KIPC_T_BINARY:
			return "binary primitive";
		case KIPC_T_TERNARY:
			return "iterator";
		case KIPC_T_PROJECTION:
			return "projection";
		case KIPC_T_COMPOSITION:
			return "composition";
		case KIPC_T_EACH:
		case KIPC_T_OVER:
		case KIPC_T_SCAN:
		case KIPC_T_EACHPRIOR:
		case KIPC_T_EACHRIGHT:
		case KIPC_T_EACHLEFT:
			return "derived function";
		case KIPC_T_DYNLOAD:
			return "dynamic-load function";
		default:
			return "unknown";
	}
}

/* ----------------------------------------------------------------
 * Table and dict helpers
 * ----------------------------------------------------------------
 */

/* the column dict of a table, or NULL */
static const KipcObject *
table_dict(const KipcObject *t)
{
	const KipcObject *d;

	if (t == NULL || t->type != KIPC_T_TABLE || t->v.objs == NULL)
		return NULL;
	d = t->v.objs[0];
	if (d == NULL || (d->type != KIPC_T_DICT && d->type != KIPC_T_SORTED_DICT))
		return NULL;
	if (d->v.objs == NULL || d->v.objs[0] == NULL || d->v.objs[1] == NULL)
		return NULL;
	if (d->v.objs[0]->type != KIPC_T_SYMBOL)
		return NULL;
	return d;
}

int64_t
kipc_table_ncols(const KipcObject *t)
{
	const KipcObject *d = table_dict(t);

	return d ? d->v.objs[0]->n : -1;
}

const char *
kipc_table_colname(const KipcObject *t, int64_t c)
{
	const KipcObject *d = table_dict(t);

	if (d == NULL || c < 0 || c >= d->v.objs[0]->n)
		return NULL;
	return d->v.objs[0]->v.syms[c];
}

KipcObject *
kipc_table_column(const KipcObject *t, int64_t c)
{
	const KipcObject *d = table_dict(t);
	const KipcObject *vals;

	if (d == NULL || c < 0 || c >= d->v.objs[0]->n)
		return NULL;
	vals = d->v.objs[1];

	/*
	 * A splayed table referenced by name carries a path symbol instead of a
	 * column list (kdb-ipc-protocol.md 3.4): no columns to hand out.
	 */
	if (vals->type != KIPC_T_LIST || vals->n != d->v.objs[0]->n)
		return NULL;
	return vals->v.objs[c];
}

int64_t
kipc_table_nrows(const KipcObject *t)
{
	KipcObject *col;

	if (kipc_table_ncols(t) < 0)
		return -1;
	if (kipc_table_ncols(t) == 0)
		return 0;
	col = kipc_table_column(t, 0);
	if (col == NULL || col->type < 0 || col->type > 19)
		return -1;
	return col->n;
}

bool
kipc_is_keyed_table(const KipcObject *o)
{
	if (o == NULL || (o->type != KIPC_T_DICT && o->type != KIPC_T_SORTED_DICT))
		return false;
	if (o->v.objs == NULL || o->v.objs[0] == NULL || o->v.objs[1] == NULL)
		return false;
	return o->v.objs[0]->type == KIPC_T_TABLE &&
		o->v.objs[1]->type == KIPC_T_TABLE;
}

/* ----------------------------------------------------------------
 * Null tests
 * ----------------------------------------------------------------
 */
static bool
guid_is_null(const uint8_t *g)
{
	int			i;

	for (i = 0; i < 16; i++)
		if (g[i] != 0)
			return false;
	return true;
}

bool
kipc_is_null(const KipcObject *o, int64_t k)
{
	int			t;

	if (o == NULL)
		return false;
	if (k < 0)
	{
		switch (o->type)
		{
			case -KIPC_T_GUID:
				return guid_is_null(o->a.guid);
			case -KIPC_T_SHORT:
				return o->a.h == KIPC_NULL_SHORT;
			case -KIPC_T_INT:
			case -KIPC_T_MONTH:
			case -KIPC_T_DATE:
			case -KIPC_T_MINUTE:
			case -KIPC_T_SECOND:
			case -KIPC_T_TIME:
				return o->a.i == KIPC_NULL_INT;
			case -KIPC_T_LONG:
			case -KIPC_T_TIMESTAMP:
			case -KIPC_T_TIMESPAN:
				return o->a.j == KIPC_NULL_LONG;
			case -KIPC_T_REAL:
				return isnan(o->a.e);
			case -KIPC_T_FLOAT:
			case -KIPC_T_DATETIME:
				return isnan(o->a.f);
			case -KIPC_T_CHAR:
				return o->a.g == (uint8_t) KIPC_NULL_CHAR;
			case -KIPC_T_SYMBOL:
				return o->a.s == NULL || o->a.s[0] == '\0';
			case KIPC_T_UNARY:
				/* generic null :: */
				return o->a.g == 0;
			default:
				return false;
		}
	}

	t = o->type;
	if (t < 1 || t > 19 || k >= o->n)
		return false;
	switch (t)
	{
		case KIPC_T_GUID:
			return guid_is_null(kipc_get_guid(o, k));
		case KIPC_T_SHORT:
			return kipc_get_h(o, k) == KIPC_NULL_SHORT;
		case KIPC_T_INT:
		case KIPC_T_MONTH:
		case KIPC_T_DATE:
		case KIPC_T_MINUTE:
		case KIPC_T_SECOND:
		case KIPC_T_TIME:
			return kipc_get_i(o, k) == KIPC_NULL_INT;
		case KIPC_T_LONG:
		case KIPC_T_TIMESTAMP:
		case KIPC_T_TIMESPAN:
			return kipc_get_j(o, k) == KIPC_NULL_LONG;
		case KIPC_T_REAL:
			return isnan(kipc_get_e(o, k));
		case KIPC_T_FLOAT:
		case KIPC_T_DATETIME:
			return isnan(kipc_get_f(o, k));
		case KIPC_T_CHAR:
			return kipc_get_g(o, k) == (uint8_t) KIPC_NULL_CHAR;
		case KIPC_T_SYMBOL:
			return o->v.syms[k] == NULL || o->v.syms[k][0] == '\0';
		default:
			return false;
	}
}

/* ----------------------------------------------------------------
 * Constructors
 * ----------------------------------------------------------------
 */
static KipcObject *
obj_alloc(int type)
{
	KipcObject *o = kipc_malloc(sizeof(KipcObject));

	if (o == NULL)
		return NULL;
	memset(o, 0, sizeof(KipcObject));
	o->type = (int8_t) type;
	o->refcount = 1;
	if (kipc_interner && (type == KIPC_T_SYMBOL || type == -KIPC_T_SYMBOL))
		o->flags = KIPC_F_INTERNED;
	return o;
}

KipcObject *
kipc_new_atom(int type)
{
	KipcObject *o;

	if (type >= 0 || type == -3 || (type < -19 && type != KIPC_T_ERROR))
		return NULL;
	o = obj_alloc(type);
	if (o && type == -KIPC_T_SYMBOL)
		o->a.s = kipc_empty_symbol;
	if (o && type == KIPC_T_ERROR)
		o->a.s = kipc_empty_symbol;
	return o;
}

KipcObject *
kipc_new_bool(bool x)
{
	KipcObject *o = obj_alloc(-KIPC_T_BOOLEAN);

	if (o)
		o->a.g = x ? 1 : 0;
	return o;
}

KipcObject *
kipc_new_byte(uint8_t x)
{
	KipcObject *o = obj_alloc(-KIPC_T_BYTE);

	if (o)
		o->a.g = x;
	return o;
}

KipcObject *
kipc_new_short(int16_t x)
{
	KipcObject *o = obj_alloc(-KIPC_T_SHORT);

	if (o)
		o->a.h = x;
	return o;
}

KipcObject *
kipc_new_int(int32_t x)
{
	KipcObject *o = obj_alloc(-KIPC_T_INT);

	if (o)
		o->a.i = x;
	return o;
}

KipcObject *
kipc_new_long(int64_t x)
{
	KipcObject *o = obj_alloc(-KIPC_T_LONG);

	if (o)
		o->a.j = x;
	return o;
}

KipcObject *
kipc_new_real(float x)
{
	KipcObject *o = obj_alloc(-KIPC_T_REAL);

	if (o)
		o->a.e = x;
	return o;
}

KipcObject *
kipc_new_float(double x)
{
	KipcObject *o = obj_alloc(-KIPC_T_FLOAT);

	if (o)
		o->a.f = x;
	return o;
}

KipcObject *
kipc_new_char(char x)
{
	KipcObject *o = obj_alloc(-KIPC_T_CHAR);

	if (o)
		o->a.g = (uint8_t) x;
	return o;
}

KipcObject *
kipc_new_symbol_len(const char *s, size_t len)
{
	KipcObject *o = obj_alloc(-KIPC_T_SYMBOL);

	if (o == NULL)
		return NULL;
	o->a.s = sym_store(o, s, len);
	if (o->a.s == NULL)
	{
		kipc_free(o);
		return NULL;
	}
	return o;
}

KipcObject *
kipc_new_symbol(const char *s)
{
	if (s == NULL)
		s = "";
	return kipc_new_symbol_len(s, strlen(s));
}

KipcObject *
kipc_new_guid(const uint8_t guid[16])
{
	KipcObject *o = obj_alloc(-KIPC_T_GUID);

	if (o && guid)
		memcpy(o->a.guid, guid, 16);
	return o;
}

KipcObject *
kipc_new_temporal(int type, int64_t x)
{
	KipcObject *o;

	if (type > -12 || type < -19 || type == -KIPC_T_DATETIME)
		return NULL;
	o = obj_alloc(type);
	if (o == NULL)
		return NULL;
	if (type == -KIPC_T_TIMESTAMP || type == -KIPC_T_TIMESPAN)
		o->a.j = x;
	else
		o->a.i = (int32_t) x;
	return o;
}

KipcObject *
kipc_new_datetime(double x)
{
	KipcObject *o = obj_alloc(-KIPC_T_DATETIME);

	if (o)
		o->a.f = x;
	return o;
}

KipcObject *
kipc_new_vector(int type, int64_t n)
{
	KipcObject *o;
	size_t		size;
	int64_t		k;

	if (!kipc_type_is_vector(type) || n < 0)
		return NULL;
	size = type == KIPC_T_SYMBOL ? sizeof(char *) : (size_t) kipc_type_size(type);
	if ((uint64_t) n > SIZE_MAX / size)
		return NULL;
	o = obj_alloc(type);
	if (o == NULL)
		return NULL;
	o->n = n;
	if (n > 0)
	{
		o->v.items = kipc_malloc((size_t) n * size);
		if (o->v.items == NULL)
		{
			kipc_free(o);
			return NULL;
		}
		if (type == KIPC_T_SYMBOL)
			for (k = 0; k < n; k++)
				o->v.syms[k] = kipc_empty_symbol;
		else
			memset(o->v.items, 0, (size_t) n * size);
	}
	return o;
}

KipcObject *
kipc_new_string(const char *s, size_t len)
{
	KipcObject *o;

	if (len > INT64_MAX)
		return NULL;
	o = kipc_new_vector(KIPC_T_CHAR, (int64_t) len);
	if (o && len)
		memcpy(o->v.items, s, len);
	return o;
}

KipcObject *
kipc_new_cstring(const char *s)
{
	if (s == NULL)
		s = "";
	return kipc_new_string(s, strlen(s));
}

/* an object whose v.objs holds n child pointers, NULL-filled */
static KipcObject *
obj_alloc_children(int type, int64_t n)
{
	KipcObject *o;

	if (n < 0 || (uint64_t) n > SIZE_MAX / sizeof(KipcObject *))
		return NULL;
	o = obj_alloc(type);
	if (o == NULL)
		return NULL;
	o->n = n;
	if (n > 0)
	{
		o->v.objs = kipc_malloc((size_t) n * sizeof(KipcObject *));
		if (o->v.objs == NULL)
		{
			kipc_free(o);
			return NULL;
		}
		memset(o->v.objs, 0, (size_t) n * sizeof(KipcObject *));
	}
	return o;
}

KipcObject *
kipc_new_list(int64_t n)
{
	return obj_alloc_children(KIPC_T_LIST, n);
}

static KipcObject *
new_dict_type(int type, KipcObject *keys, KipcObject *values)
{
	KipcObject *o = obj_alloc_children(type, 2);

	if (o == NULL)
	{
		/* we own the arguments even on failure, like k.h's xD */
		kipc_unref(keys);
		kipc_unref(values);
		return NULL;
	}
	o->v.objs[0] = keys;
	o->v.objs[1] = values;
	return o;
}

KipcObject *
kipc_new_dict(KipcObject *keys, KipcObject *values)
{
	return new_dict_type(KIPC_T_DICT, keys, values);
}

KipcObject *
kipc_new_sorted_dict(KipcObject *keys, KipcObject *values)
{
	return new_dict_type(KIPC_T_SORTED_DICT, keys, values);
}

KipcObject *
kipc_new_table(KipcObject *colnames, KipcObject *columns)
{
	KipcObject *d = kipc_new_dict(colnames, columns);
	KipcObject *t;

	if (d == NULL)
		return NULL;
	t = obj_alloc_children(KIPC_T_TABLE, 1);
	if (t == NULL)
	{
		kipc_unref(d);
		return NULL;
	}
	t->v.objs[0] = d;
	return t;
}

KipcObject *
kipc_new_error(const char *text)
{
	KipcObject *o = obj_alloc(KIPC_T_ERROR);

	if (o == NULL)
		return NULL;
	o->a.s = kipc_strndup(text ? text : "", text ? strlen(text) : 0);
	if (o->a.s == NULL)
	{
		kipc_free(o);
		return NULL;
	}
	return o;
}

KipcObject *
kipc_new_primitive(int type, uint8_t index)
{
	KipcObject *o;

	if (type < KIPC_T_UNARY || type > KIPC_T_TERNARY)
		return NULL;
	o = obj_alloc(type);
	if (o)
		o->a.g = index;
	return o;
}

KipcObject *
kipc_new_identity(void)
{
	return kipc_new_primitive(KIPC_T_UNARY, 0);
}

KipcObject *
kipc_new_lambda(const char *context, const char *source)
{
	KipcObject *o = obj_alloc_children(KIPC_T_LAMBDA, 1);

	if (o == NULL)
		return NULL;
	if (context == NULL)
		context = "";
	o->a.s = kipc_strndup(context, strlen(context));
	o->v.objs[0] = kipc_new_cstring(source);
	if (o->a.s == NULL || o->v.objs[0] == NULL)
	{
		kipc_unref(o);
		return NULL;
	}
	return o;
}

KipcObject *
kipc_new_compound(int type, int64_t n)
{
	if (type < KIPC_T_PROJECTION || type > KIPC_T_EACHLEFT)
		return NULL;
	return obj_alloc_children(type, n);
}

KipcObject *
kipc_new_null(int type)
{
	switch (type)
	{
		case -KIPC_T_GUID:
			return kipc_new_atom(type); /* all-zero */
		case -KIPC_T_SHORT:
			return kipc_new_short(KIPC_NULL_SHORT);
		case -KIPC_T_INT:
			return kipc_new_int(KIPC_NULL_INT);
		case -KIPC_T_LONG:
			return kipc_new_long(KIPC_NULL_LONG);
		case -KIPC_T_REAL:
			return kipc_new_real(kipc_null_real());
		case -KIPC_T_FLOAT:
			return kipc_new_float(kipc_null_float());
		case -KIPC_T_DATETIME:
			return kipc_new_datetime(kipc_null_float());
		case -KIPC_T_CHAR:
			return kipc_new_char(KIPC_NULL_CHAR);
		case -KIPC_T_SYMBOL:
			return kipc_new_atom(type); /* empty symbol */
		case -KIPC_T_TIMESTAMP:
		case -KIPC_T_TIMESPAN:
			return kipc_new_temporal(type, KIPC_NULL_LONG);
		case -KIPC_T_MONTH:
		case -KIPC_T_DATE:
		case -KIPC_T_MINUTE:
		case -KIPC_T_SECOND:
		case -KIPC_T_TIME:
			return kipc_new_temporal(type, KIPC_NULL_INT);
		default:
			return NULL;
	}
}

KipcStatus
kipc_set_symbol(KipcObject *symvec, int64_t k, const char *s)
{
	const char *copy;

	if (symvec == NULL || symvec->type != KIPC_T_SYMBOL ||
		(symvec->flags & KIPC_F_ARENA) || k < 0 || k >= symvec->n)
		return KIPC_ERR_ARG;
	if (s == NULL)
		s = "";
	copy = sym_store(symvec, s, strlen(s));
	if (copy == NULL)
		return (symvec->flags & KIPC_F_INTERNED) && !kipc_interner ?
			KIPC_ERR_ARG : KIPC_ERR_NOMEM;
	sym_release(symvec, symvec->v.syms[k]);
	symvec->v.syms[k] = copy;
	return KIPC_OK;
}

KipcStatus
kipc_resize(KipcObject *o, int64_t n)
{
	size_t		size;
	int64_t		k;
	void	   *items;

	if (o == NULL || (o->flags & KIPC_F_ARENA) || n < 0)
		return KIPC_ERR_ARG;
	if (o->type == KIPC_T_LIST)
		size = sizeof(KipcObject *);
	else if (o->type == KIPC_T_SYMBOL)
		size = sizeof(char *);
	else if (kipc_type_is_vector(o->type))
		size = (size_t) kipc_type_size(o->type);
	else
		return KIPC_ERR_ARG;
	if ((uint64_t) n > SIZE_MAX / size)
		return KIPC_ERR_NOMEM;

	/* release what a shrink drops before the memory goes away */
	for (k = n; k < o->n; k++)
	{
		if (o->type == KIPC_T_LIST)
			kipc_unref(o->v.objs[k]);
		else if (o->type == KIPC_T_SYMBOL)
			sym_release(o, o->v.syms[k]);
	}
	if (n == 0)
	{
		kipc_free(o->v.items);
		o->v.items = NULL;
		o->n = 0;
		return KIPC_OK;
	}
	items = kipc_realloc(o->v.items, (size_t) n * size);
	if (items == NULL)
	{
		/* the dropped items are gone already; keep the object consistent */
		if (n < o->n)
			o->n = n;
		return KIPC_ERR_NOMEM;
	}
	o->v.items = items;
	for (k = o->n; k < n; k++)
	{
		if (o->type == KIPC_T_LIST)
			o->v.objs[k] = NULL;
		else if (o->type == KIPC_T_SYMBOL)
			o->v.syms[k] = kipc_empty_symbol;
		else
			memset((char *) items + k * size, 0, size);
	}
	o->n = n;
	return KIPC_OK;
}

/* ----------------------------------------------------------------
 * Reference counting
 * ----------------------------------------------------------------
 */
KipcObject *
kipc_ref(KipcObject *o)
{
	if (o && !(o->flags & KIPC_F_ARENA))
		o->refcount++;
	return o;
}

/* does type t keep child objects in v.objs? */
static bool
has_children(int t)
{
	return t == KIPC_T_LIST || t == KIPC_T_TABLE || t == KIPC_T_DICT ||
		t == KIPC_T_SORTED_DICT || t == KIPC_T_LAMBDA ||
		(t >= KIPC_T_PROJECTION && t <= KIPC_T_EACHLEFT);
}

void
kipc_unref(KipcObject *o)
{
	int64_t		k;

	if (o == NULL || (o->flags & KIPC_F_ARENA))
		return;
	if (--o->refcount > 0)
		return;

	if (has_children(o->type))
	{
		if (o->v.objs)
			for (k = 0; k < o->n; k++)
				kipc_unref(o->v.objs[k]);
		kipc_free(o->v.objs);
	}
	else if (o->type == KIPC_T_SYMBOL)
	{
		if (!(o->flags & KIPC_F_INTERNED))
			for (k = 0; k < o->n; k++)
				sym_release(o, o->v.syms[k]);
		kipc_free(o->v.syms);
	}
	else if (o->type > 0 && o->type <= 19)
		kipc_free(o->v.items);

	if (o->type == -KIPC_T_SYMBOL || o->type == KIPC_T_ERROR ||
		o->type == KIPC_T_LAMBDA)
		sym_release(o, o->a.s);
	kipc_free(o);
}

/* ----------------------------------------------------------------
 * Deep copy to the heap
 * ----------------------------------------------------------------
 */
KipcObject *
kipc_copy(const KipcObject *o)
{
	KipcObject *c;
	int64_t		k;
	size_t		size;

	if (o == NULL)
		return NULL;

	if (o->type < 0)
	{
		c = obj_alloc(o->type);
		if (c == NULL)
			return NULL;
		c->a = o->a;
		if (o->type == -KIPC_T_SYMBOL || o->type == KIPC_T_ERROR)
		{
			const char *s = o->a.s ? o->a.s : "";

			c->a.s = (o->flags & c->flags & KIPC_F_INTERNED) ? s :
				sym_store(c, s, strlen(s));
			if (c->a.s == NULL)
			{
				kipc_free(c);
				return NULL;
			}
		}
		return c;
	}

	if (o->type == KIPC_T_SYMBOL)
	{
		c = kipc_new_vector(KIPC_T_SYMBOL, o->n);
		if (c == NULL)
			return NULL;
		c->attr = o->attr;
		if (o->flags & c->flags & KIPC_F_INTERNED)
		{
			/* both hold the interner's strings: share them */
			if (o->n > 0)
				memcpy(c->v.syms, o->v.syms, (size_t) o->n * sizeof(char *));
			return c;
		}
		for (k = 0; k < o->n; k++)
		{
			if (o->v.syms[k] == NULL || o->v.syms[k][0] == '\0')
				continue;
			if (kipc_set_symbol(c, k, o->v.syms[k]) != KIPC_OK)
			{
				kipc_unref(c);
				return NULL;
			}
		}
		return c;
	}

	if (kipc_type_is_vector(o->type))
	{
		c = obj_alloc(o->type);
		if (c == NULL)
			return NULL;
		c->attr = o->attr;
		c->n = o->n;
		size = (size_t) o->n * (size_t) kipc_type_size(o->type);
		if (size > 0)
		{
			c->v.items = kipc_malloc(size);
			if (c->v.items == NULL)
			{
				kipc_free(c);
				return NULL;
			}
			memcpy(c->v.items, o->v.items, size);
		}
		return c;
	}

	if (has_children(o->type))
	{
		c = obj_alloc_children(o->type, o->n);
		if (c == NULL)
			return NULL;
		c->attr = o->attr;
		if (o->type == KIPC_T_LAMBDA)
		{
			const char *s = o->a.s ? o->a.s : "";

			c->a.s = kipc_strndup(s, strlen(s));
			if (c->a.s == NULL)
			{
				kipc_unref(c);
				return NULL;
			}
		}
		for (k = 0; k < o->n; k++)
		{
			if (o->v.objs[k] == NULL)
				continue;
			c->v.objs[k] = kipc_copy(o->v.objs[k]);
			if (c->v.objs[k] == NULL)
			{
				kipc_unref(c);
				return NULL;
			}
		}
		return c;
	}

	/* primitives: the index is all there is */
	if (o->type >= KIPC_T_UNARY && o->type <= KIPC_T_TERNARY)
		return kipc_new_primitive(o->type, o->a.g);
	return NULL;
}

/* ----------------------------------------------------------------
 * Match (~)
 * ----------------------------------------------------------------
 */

/* float match: NaN matches NaN (q nulls are equal), otherwise == */
static bool
float_match(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return a == b;
}

static bool
str_match(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

bool
kipc_equal(const KipcObject *a, const KipcObject *b)
{
	int64_t		k;

	if (a == b)
		return true;
	if (a == NULL || b == NULL)
		return false;
	if (a->type != b->type)
		return false;

	/* q's match ignores attributes, so attr is not compared */
	switch (a->type)
	{
		case -KIPC_T_BOOLEAN:
		case -KIPC_T_BYTE:
		case -KIPC_T_CHAR:
		case KIPC_T_UNARY:
		case KIPC_T_BINARY:
		case KIPC_T_TERNARY:
			return a->a.g == b->a.g;
		case -KIPC_T_GUID:
			return memcmp(a->a.guid, b->a.guid, 16) == 0;
		case -KIPC_T_SHORT:
			return a->a.h == b->a.h;
		case -KIPC_T_INT:
		case -KIPC_T_MONTH:
		case -KIPC_T_DATE:
		case -KIPC_T_MINUTE:
		case -KIPC_T_SECOND:
		case -KIPC_T_TIME:
			return a->a.i == b->a.i;
		case -KIPC_T_LONG:
		case -KIPC_T_TIMESTAMP:
		case -KIPC_T_TIMESPAN:
			return a->a.j == b->a.j;
		case -KIPC_T_REAL:
			return float_match(a->a.e, b->a.e);
		case -KIPC_T_FLOAT:
		case -KIPC_T_DATETIME:
			return float_match(a->a.f, b->a.f);
		case -KIPC_T_SYMBOL:
		case KIPC_T_ERROR:
			return str_match(a->a.s, b->a.s);
		default:
			break;
	}

	if (a->n != b->n)
		return false;

	if (a->type == KIPC_T_SYMBOL)
	{
		for (k = 0; k < a->n; k++)
			if (!str_match(a->v.syms[k], b->v.syms[k]))
				return false;
		return true;
	}
	if (a->type == KIPC_T_REAL)
	{
		for (k = 0; k < a->n; k++)
			if (!float_match(kipc_get_e(a, k), kipc_get_e(b, k)))
				return false;
		return true;
	}
	if (a->type == KIPC_T_FLOAT || a->type == KIPC_T_DATETIME)
	{
		for (k = 0; k < a->n; k++)
			if (!float_match(kipc_get_f(a, k), kipc_get_f(b, k)))
				return false;
		return true;
	}
	if (kipc_type_is_vector(a->type))
	{
		size_t		size = (size_t) a->n * (size_t) kipc_type_size(a->type);

		return size == 0 || memcmp(a->v.items, b->v.items, size) == 0;
	}
	if (has_children(a->type))
	{
		if (a->type == KIPC_T_LAMBDA && !str_match(a->a.s, b->a.s))
			return false;
		for (k = 0; k < a->n; k++)
			if (!kipc_equal(a->v.objs[k], b->v.objs[k]))
				return false;
		return true;
	}
	return false;
}
