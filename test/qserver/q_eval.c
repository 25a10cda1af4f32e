/*-------------------------------------------------------------------------
 *
 * q_eval.c
 *		Evaluator of the q test server's interpreter, and the qeval.h entry
 *		points.
 *
 * The evaluator walks the QNode tree of q_parse.c.  Arguments of an
 * application are evaluated right to left, as q does.  Names resolve, in
 * order, to the columns of the qSQL scope being evaluated, the locals of
 * the running lambda, the globals (dotted names such as .test.ns.f are just
 * longer global names), and last the built-in keywords.  Lambdas are
 * values of type 100 carrying their source text, so they cross IPC exactly
 * like kdb+'s; their parse trees are cached by source text.
 *
 * q errors longjmp to the innermost protected frame (q_protect, or a trap
 * @[f;x;h]); the frame restores the interpreter's stack state and frees
 * what the abandoned evaluation held: parse arenas pushed since (value
 * pushes one per parse and frees it after the evaluation; cached lambdas
 * keep their own), lambda frames, and the values on the in-flight stack
 * (q_vpush).  Deadlines (-T) are checked every few thousand evaluation
 * steps and inside every loop and sleep.  An int atom applied to a value
 * is a handle: 1/2 and -1/-2 write to stdout/stderr, the caller's .z.w
 * (and neg .z.w) send through QServerHooks.send_to_caller.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_eval.c
 *
 *-------------------------------------------------------------------------
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "q_int.h"

QInterp    *q_cur;

/* ----------------------------------------------------------------
 * Errors, memory, hash tables
 * ----------------------------------------------------------------
 */
void
q_err(const char *msg)
{
	QInterp    *q = q_cur;

	snprintf(q->errbuf, sizeof(q->errbuf), "%s", msg);
	if (!q->jmp)
		abort();
	longjmp(q->jmp->jb, 1);
}

void
q_errf(const char *fmt,...)
{
	char		buf[256];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	q_err(buf);
}

void *
q_alloc(size_t n)
{
	void	   *p = calloc(1, n ? n : 1);

	if (!p)
		q_err("wsfull");
	return p;
}

char *
q_strdup(const char *s)
{
	return q_strndup(s, strlen(s));
}

char *
q_strndup(const char *s, size_t n)
{
	char	   *p = q_alloc(n + 1);

	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

/* ----------------------------------------------------------------
 * Parse arenas
 * ----------------------------------------------------------------
 */
typedef struct QChunk
{
	struct QChunk *next;
	size_t		used;
	size_t		cap;
	max_align_t data[];
} QChunk;

struct QArena
{
	QChunk	   *chunks;
	K		  **refs;			/* values the arena holds a reference to */
	int64_t		nrefs;
	int64_t		caprefs;
	void		(*cleanup) (void *arg);	/* run first when freed, or NULL */
	void	   *cleanup_arg;
	QArena	   *prev;			/* next one down the stack */
};

#define ARENA_CHUNK		8192

static void
arena_free(QArena *a)
{
	QChunk	   *c = a->chunks;
	int64_t		i;

	if (a->cleanup)
		a->cleanup(a->cleanup_arg);
	while (c)
	{
		QChunk	   *next = c->next;

		free(c);
		c = next;
	}
	for (i = 0; i < a->nrefs; i++)
		kipc_unref(a->refs[i]);
	free(a->refs);
	free(a);
}

QArena *
q_arena_push(void)
{
	QInterp    *q = q_cur;
	QArena	   *a = calloc(1, sizeof(QArena));

	if (!a)
		q_err("wsfull");
	a->prev = q->arena;
	q->arena = a;
	return a;
}

void
q_arena_pop(QArena *a)
{
	QInterp    *q = q_cur;

	q->arena = a->prev;
	arena_free(a);
}

QArena *
q_arena_detach(QArena *a)
{
	QInterp    *q = q_cur;

	q->arena = a->prev;
	a->prev = NULL;
	return a;
}

void
q_arena_unwind(QArena *to)
{
	QInterp    *q = q_cur;

	while (q->arena && q->arena != to)
	{
		QArena	   *a = q->arena;

		q->arena = a->prev;
		arena_free(a);
	}
}

void *
q_palloc(size_t n)
{
	QArena	   *a = q_cur->arena;
	QChunk	   *c;
	size_t		need = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);

	if (!a)
		return q_alloc(n);		/* no arena: lives for good */
	if (need == 0)
		need = sizeof(max_align_t);
	c = a->chunks;
	if (!c || c->cap - c->used < need)
	{
		size_t		cap = need > ARENA_CHUNK ? need : ARENA_CHUNK;

		c = malloc(sizeof(QChunk) + cap);
		if (!c)
			q_err("wsfull");
		c->used = 0;
		c->cap = cap;
		c->next = a->chunks;
		a->chunks = c;
	}
	{
		void	   *p = (char *) c->data + c->used;

		c->used += need;
		memset(p, 0, n);
		return p;
	}
}

char *
q_pstrndup(const char *s, size_t n)
{
	char	   *p = q_palloc(n + 1);

	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

void *
q_pgrow(void *old, size_t oldn, size_t n)
{
	void	   *p = q_palloc(n);

	if (old && oldn)
		memcpy(p, old, oldn < n ? oldn : n);
	return p;
}

void
q_arena_cleanup(void (*fn) (void *arg), void *arg)
{
	QArena	   *a = q_cur->arena;

	if (a)
	{
		a->cleanup = fn;
		a->cleanup_arg = arg;
	}
}

void
q_arena_own(K *v)
{
	QArena	   *a = q_cur->arena;

	if (!a || !v)
		return;					/* no arena: the value lives for good */
	if (a->nrefs == a->caprefs)
	{
		int64_t		ncap = a->caprefs ? a->caprefs * 2 : 32;
		K		  **nr = realloc(a->refs, sizeof(K *) * ncap);

		if (!nr)
			q_err("wsfull");
		a->refs = nr;
		a->caprefs = ncap;
	}
	a->refs[a->nrefs++] = v;
}

void
q_vpush(K *v)
{
	QInterp    *q = q_cur;

	if (q->vsp == q->vcap)
	{
		int64_t		ncap = q->vcap ? q->vcap * 2 : 256;
		K		  **nv = realloc(q->vstack, sizeof(K *) * ncap);

		if (!nv)
		{
			kipc_unref(v);
			q_err("wsfull");
		}
		q->vstack = nv;
		q->vcap = ncap;
	}
	q->vstack[q->vsp++] = v;
}

void
q_vpop(int64_t base)
{
	QInterp    *q = q_cur;

	while (q->vsp > base)
		kipc_unref(q->vstack[--q->vsp]);
}

void
q_vdrop(int64_t base)
{
	q_cur->vsp = base;
}

/*
 * Lambda frames are reused: a frame is over 2 kB, and glibc's malloc
 * consolidates its small free chunks before every request of that size,
 * which made each lambda call cost as much as a pass over the freed
 * temporaries.  Only nvars, up, below and the first nvars variables of a
 * frame are read, and call_lambda sets them all.
 */
static QFrame *frame_pool;
static int	frame_npool;

static QFrame *
frame_get(void)
{
	QFrame	   *fr = frame_pool;

	if (fr == NULL)
	{
		fr = malloc(sizeof(QFrame));
		if (fr == NULL)
			q_err("wsfull");
		return fr;
	}
	frame_pool = fr->below;
	frame_npool--;
	return fr;
}

static void
frame_put(QFrame *fr)
{
	if (frame_npool >= 64)
	{
		free(fr);
		return;
	}
	fr->below = frame_pool;
	frame_pool = fr;
	frame_npool++;
}

/* an error unwinds to a catching frame: drop what the abandoned
 * evaluation held (frames newer than ftop, values above vsp, arenas) */
static void
unwind_to(QInterp *q, QFrame *ftop, int64_t vsp, QArena *arena)
{
	while (q->ftop && q->ftop != ftop)
	{
		QFrame	   *fr = q->ftop;
		int			i;

		q->ftop = fr->below;
		for (i = 0; i < fr->nvars; i++)
			kipc_unref(fr->vars[i].val);
		frame_put(fr);
	}
	q_vpop(vsp);
	q_arena_unwind(arena);
}

int64_t
q_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
q_check_deadline(void)
{
	QInterp    *q = q_cur;

	if (q->deadline_ms > 0 && q_now_ms() >= q->deadline_ms)
		q_err("stop");
}

static uint64_t
hash_str(const char *s)
{
	uint64_t	h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char) *s++) * 1099511628211ULL;
	return h;
}

void *
q_hash_get(QHash *h, const char *key)
{
	uint64_t	i;

	if (h->cap == 0)
		return NULL;
	for (i = hash_str(key) & (h->cap - 1); h->keys[i]; i = (i + 1) & (h->cap - 1))
		if (strcmp(h->keys[i], key) == 0)
			return h->vals[i];
	return NULL;
}

void
q_hash_put(QHash *h, const char *key, void *val)
{
	uint64_t	i;

	if ((h->n + 1) * 2 > h->cap)
	{
		QHash		nh;
		int64_t		k;

		nh.cap = h->cap ? h->cap * 2 : 64;
		nh.n = 0;
		nh.keys = calloc(nh.cap, sizeof(char *));
		nh.vals = calloc(nh.cap, sizeof(void *));
		for (k = 0; k < h->cap; k++)
			if (h->keys[k])
			{
				for (i = hash_str(h->keys[k]) & (nh.cap - 1); nh.keys[i]; i = (i + 1) & (nh.cap - 1))
					;
				nh.keys[i] = h->keys[k];
				nh.vals[i] = h->vals[k];
				nh.n++;
			}
		free(h->keys);
		free(h->vals);
		*h = nh;
	}
	for (i = hash_str(key) & (h->cap - 1); h->keys[i]; i = (i + 1) & (h->cap - 1))
		if (strcmp(h->keys[i], key) == 0)
		{
			h->vals[i] = val;
			return;
		}
	h->keys[i] = strdup(key);
	h->vals[i] = val;
	h->n++;
}

/* ----------------------------------------------------------------
 * Names
 * ----------------------------------------------------------------
 */
K *
q_get_global(const char *name)
{
	return q_hash_get(&q_cur->globals, name);
}

void
q_set_global(const char *name, K *v)
{
	K		   *old = q_hash_get(&q_cur->globals, name);

	q_hash_put(&q_cur->globals, name, v);
	if (old)
		kipc_unref(old);
}

/* names of the built-in unary keywords and their primitive indexes */
static const struct
{
	const char *name;
	int			type;
	int			idx;
}			builtins[] =
{
	{"flip", 101, U_FLIP}, {"neg", 101, U_NEG}, {"first", 101, U_FIRST},
	{"reciprocal", 101, U_RECIP}, {"where", 101, U_WHERE},
	{"reverse", 101, U_REVERSE}, {"null", 101, U_NULL}, {"group", 101, U_GROUP},
	{"iasc", 101, U_IASC}, {"idesc", 101, U_IDESC}, {"string", 101, U_STRING},
	{"count", 101, U_COUNT}, {"floor", 101, U_FLOOR}, {"not", 101, U_NOT},
	{"key", 101, U_KEY}, {"distinct", 101, U_DISTINCT}, {"type", 101, U_TYPE},
	{"value", 101, U_VALUE}, {"avg", 101, U_AVG}, {"last", 101, U_LAST},
	{"sum", 101, U_SUM}, {"prd", 101, U_PRD}, {"min", 101, U_MIN},
	{"max", 101, U_MAX}, {"abs", 101, U_ABS}, {"sqrt", 101, U_SQRT},
	{"log", 101, U_LOG}, {"exp", 101, U_EXP}, {"enlist", 101, U_ENLIST},
	{"var", 101, U_VAR}, {"til", 101, U_TIL}, {"asc", 101, U_ASC},
	{"desc", 101, U_DESC}, {"cols", 101, U_COLS}, {"tables", 101, U_TABLES},
	{"meta", 101, U_META}, {"keys", 101, U_KEYS}, {"lower", 101, U_LOWER},
	{"upper", 101, U_UPPER}, {"ceiling", 101, U_CEILING},
	{"signum", 101, U_SIGNUM}, {"med", 101, U_MED}, {"dev", 101, U_DEV},
	{"sdev", 101, U_SDEV},
	{"raze", 101, U_RAZE}, {"sums", 101, U_SUMS}, {"maxs", 101, U_MAXS},
	{"mins", 101, U_MINS}, {"prds", 101, U_PRDS}, {"deltas", 101, U_DELTAS},
	{"ratios", 101, U_RATIOS}, {"attr", 101, U_ATTR}, {"trim", 101, U_TRIM},
	{"ltrim", 101, U_LTRIM}, {"rtrim", 101, U_RTRIM}, {"any", 101, U_ANY},
	{"all", 101, U_ALL}, {"fills", 101, U_FILLS}, {"rank", 101, U_RANK},
	{"get", 101, U_GET}, {"ungroup", 101, U_UNGROUP}, {"show", 101, U_SHOW},
	{"parse", 101, U_PARSE}, {"eval", 101, U_EVAL},
	{".qserver.sleep", 101, U_QS_SLEEP}, {".qserver.close", 101, U_QS_CLOSE},
	{".qserver.garbage", 101, U_QS_GARBAGE},
	{".qserver.asyncfirst", 101, U_QS_ASYNCFIRST},
	{".qserver.exit", 101, U_QS_EXIT}, {".qserver.restart", 101, U_QS_RESTART},
	{".qserver.stats", 101, U_QS_STATS},
	{".qserver.partition", 102, 0}, /* placeholder, see below */
	{NULL, 0, 0}
};

K *
q_builtin(const char *name)
{
	int			i;

	if (strcmp(name, ".qserver.partition") == 0)
		return kipc_new_primitive(KIPC_T_UNARY, U_QS_PARTITION);
	for (i = 0; builtins[i].name; i++)
		if (strcmp(builtins[i].name, name) == 0)
			return kipc_new_primitive(builtins[i].type, (uint8_t) builtins[i].idx);
	return NULL;
}

static K *
ts_now(int type, bool local)
{
	struct timespec ts;
	int64_t		ns;

	clock_gettime(CLOCK_REALTIME, &ts);
	ns = ((int64_t) ts.tv_sec - (int64_t) KIPC_DAYS_1970_2000 * 86400) * INT64_C(1000000000) + ts.tv_nsec;
	if (local)
	{
		struct tm	tm;
		time_t		t = ts.tv_sec;

		localtime_r(&t, &tm);
		ns += (int64_t) tm.tm_gmtoff * INT64_C(1000000000);
	}
	switch (type)
	{
		case KIPC_T_TIMESTAMP: return kipc_new_temporal(-KIPC_T_TIMESTAMP, ns);
		case KIPC_T_DATE: return kipc_new_temporal(-KIPC_T_DATE, ns >= 0 ? ns / KIPC_NS_PER_DAY : -((-ns + KIPC_NS_PER_DAY - 1) / KIPC_NS_PER_DAY));
		case KIPC_T_TIME: return kipc_new_temporal(-KIPC_T_TIME, ((ns % KIPC_NS_PER_DAY) + KIPC_NS_PER_DAY) % KIPC_NS_PER_DAY / 1000000);
		case KIPC_T_TIMESPAN: return kipc_new_temporal(-KIPC_T_TIMESPAN, ((ns % KIPC_NS_PER_DAY) + KIPC_NS_PER_DAY) % KIPC_NS_PER_DAY);
		default: return kipc_new_datetime((double) ns / (double) KIPC_NS_PER_DAY);
	}
}

/* .z.* values computed on demand */
static K *
dotz(const char *name)
{
	QInterp    *q = q_cur;

	if (strcmp(name, ".z.u") == 0)
		return kipc_new_symbol(q->zu ? q->zu : "");
	if (strcmp(name, ".z.w") == 0)
		return kipc_new_int(q->zw);
	if (strcmp(name, ".z.a") == 0)
	{
		struct in_addr a;

		if (q->za && inet_pton(AF_INET, q->za, &a) == 1)
			return kipc_new_int((int32_t) ntohl(a.s_addr));
		return kipc_new_int(0);
	}
	if (strcmp(name, ".z.p") == 0)
		return ts_now(KIPC_T_TIMESTAMP, false);
	if (strcmp(name, ".z.P") == 0)
		return ts_now(KIPC_T_TIMESTAMP, true);
	if (strcmp(name, ".z.d") == 0)
		return ts_now(KIPC_T_DATE, false);
	if (strcmp(name, ".z.D") == 0)
		return ts_now(KIPC_T_DATE, true);
	if (strcmp(name, ".z.t") == 0)
		return ts_now(KIPC_T_TIME, false);
	if (strcmp(name, ".z.T") == 0)
		return ts_now(KIPC_T_TIME, true);
	if (strcmp(name, ".z.n") == 0)
		return ts_now(KIPC_T_TIMESPAN, false);
	if (strcmp(name, ".z.N") == 0)
		return ts_now(KIPC_T_TIMESPAN, true);
	if (strcmp(name, ".z.z") == 0)
		return ts_now(KIPC_T_DATETIME, false);
	if (strcmp(name, ".z.Z") == 0)
		return ts_now(KIPC_T_DATETIME, true);
	if (strcmp(name, ".z.K") == 0)
		return kipc_new_float(4.0);
	if (strcmp(name, ".z.k") == 0)
		return kipc_new_temporal(-KIPC_T_DATE, 8766);
	if (strcmp(name, ".z.o") == 0)
		return kipc_new_symbol("l64");
	return NULL;
}

/* .Q.* partition metadata (see q_table.c's q_partition) */
static K *
dotq(const char *name)
{
	K		   *parts = q_get_global(".qserver.parts");

	if (strcmp(name, ".Q.pf") == 0)
	{
		K		   *pf = q_get_global(".qserver.pf");

		return pf ? kipc_ref(pf) : kipc_new_symbol("date");
	}
	if (strcmp(name, ".Q.pt") == 0)
		return parts ? kipc_ref(parts) : kipc_new_vector(KIPC_T_SYMBOL, 0);
	if (strcmp(name, ".Q.ind") == 0)
		return kipc_new_primitive(KIPC_T_UNARY, U_Q_IND);	/* q_ind.c */
	if (strcmp(name, ".Q.PV") == 0 || strcmp(name, ".Q.pv") == 0)
	{
		K		   *pv = q_get_global(".qserver.pv");

		return pv ? kipc_ref(pv) : kipc_new_vector(KIPC_T_DATE, 0);
	}
	return NULL;
}

K *
q_lookup(const char *name)
{
	QInterp    *q = q_cur;
	K		   *v;

	if (q->scope)
	{
		v = q_scope_lookup(name);
		if (v)
			return v;
	}
	if (q->frame)
	{
		int			i;

		for (i = 0; i < q->frame->nvars; i++)
			if (strcmp(q->frame->vars[i].name, name) == 0)
				return kipc_ref(q->frame->vars[i].val);
	}
	v = q_get_global(name);
	if (v)
		return kipc_ref(v);
	if (name[0] == '.' && name[1] == 'z' && name[2] == '.')
		return dotz(name);
	if (name[0] == '.' && name[1] == 'Q' && name[2] == '.')
		return dotq(name);
	return q_builtin(name);
}

/* ----------------------------------------------------------------
 * Application
 * ----------------------------------------------------------------
 */
bool
q_is_function(const K *x)
{
	return x->type >= KIPC_T_LAMBDA && x->type <= KIPC_T_EACHLEFT;
}

static bool
is_elided(const K *x)
{
	return x == NULL || (x->type == KIPC_T_UNARY && x->a.g == U_ELIDED);
}

QLambda *
q_lambda_of(K *f)
{
	QInterp    *q = q_cur;
	K		   *src = f->v.objs[0];
	char	   *s = q_strndup((const char *) src->v.items, (size_t) src->n);
	QLambda    *L = q_hash_get(&q->lambdas, s);

	if (!L)
	{
		if (strncmp(s, "k)", 2) == 0)
			q_err("nyi");
		L = q_parse_lambda(s, strlen(s));
		q_hash_put(&q->lambdas, s, L);
	}
	free(s);
	return L;
}

static int
rank_of(K *f)
{
	switch (f->type)
	{
		case KIPC_T_LAMBDA:
			return q_lambda_of(f)->nparams;
		case KIPC_T_UNARY:
			return 1;
		case KIPC_T_BINARY:
			return 2;
		case KIPC_T_PROJECTION:
			{
				int			r = rank_of(f->v.objs[0]);
				int64_t		i,
							filled = 0;

				for (i = 1; i < f->n; i++)
					if (!is_elided(f->v.objs[i]))
						filled++;
				return r - (int) filled;
			}
		case KIPC_T_EACH:
		case KIPC_T_OVER:
		case KIPC_T_SCAN:
			{
				int			r = rank_of(f->v.objs[0]);

				return r;
			}
		default:
			return 2;
	}
}

static K *
make_projection(K *f, K **args, int n)
{
	K		   *p = kipc_new_compound(KIPC_T_PROJECTION, n + 1);
	int			i;

	p->v.objs[0] = kipc_ref(f);
	for (i = 0; i < n; i++)
		p->v.objs[i + 1] = is_elided(args[i]) ? kipc_new_primitive(KIPC_T_UNARY, U_ELIDED) : kipc_ref(args[i]);
	return p;
}

static K *
call_lambda(K *f, K **args, int n)
{
	QInterp    *q = q_cur;
	QLambda    *L = q_lambda_of(f);
	QFrame	   *fr;
	QScope	   *saved_scope = q->scope;
	K		   *r;
	int			i;

	if (n > L->nparams)
		q_err("rank");
	if (++q->depth > 3000)
		q_err("stack");
	fr = frame_get();
	for (i = 0; i < L->nparams; i++)
	{
		fr->vars[i].name = L->params[i];
		fr->vars[i].val = i < n ? kipc_ref(args[i]) : kipc_new_identity();
	}
	fr->nvars = L->nparams;
	fr->up = q->frame;
	fr->below = q->ftop;
	q->ftop = fr;
	q->frame = fr;
	/* a lambda does not see the caller's qSQL columns */
	q->scope = NULL;
	r = q_eval(L->body);
	if (q->returning)
	{
		kipc_unref(r);
		r = q->retval;
		q->retval = NULL;
		q->returning = false;
	}
	q->scope = saved_scope;
	q->frame = fr->up;
	q->ftop = fr->below;
	for (i = 0; i < fr->nvars; i++)
		kipc_unref(fr->vars[i].val);
	frame_put(fr);
	q->depth--;
	return r;
}

static K *apply_adverb(K *f, K **args, int n);

/* write text for handle application on 1/-1 (stdout) and 2/-2 (stderr) */
static void
write_text(FILE *fp, K *x, bool lines)
{
	if ((x->type == KIPC_T_CHAR || x->type == KIPC_T_BYTE) && x->n > 0)
		fwrite(x->v.items, 1, (size_t) x->n, fp);
	else if (x->type == -KIPC_T_CHAR)
		fputc(x->a.g, fp);
	if (lines)
		fputc('\n', fp);
}

/*
 * Handle application h x (KX basics/handles.md, ref/hopen.md): 1 and 2
 * write a string to stdout/stderr, -1 and -2 also append a newline (a list
 * of strings is written one line each); each returns h.  The caller's
 * handle .z.w sends x as a sync request and returns the caller's
 * response; neg .z.w sends it async and returns ::.  Returns NULL for
 * other handles (the caller then indexes, as before).
 */
static K *
apply_handle(K *f, K *x)
{
	QInterp    *q = q_cur;
	int64_t		h = f->type == -KIPC_T_LONG ? f->a.j : f->a.i;

	if (h == 1 || h == 2 || h == -1 || h == -2)
	{
		FILE	   *fp = h == 1 || h == -1 ? stdout : stderr;
		bool		lines = h < 0;

		if (x->type == KIPC_T_CHAR || x->type == -KIPC_T_CHAR ||
			(x->type == KIPC_T_BYTE && !lines))
			write_text(fp, x, lines);
		else if (lines && x->type == KIPC_T_LIST)
		{
			int64_t		k;

			for (k = 0; k < x->n; k++)
				if (x->v.objs[k]->type != KIPC_T_CHAR &&
					x->v.objs[k]->type != -KIPC_T_CHAR)
					q_err("type");
			for (k = 0; k < x->n; k++)
				write_text(fp, x->v.objs[k], true);
		}
		else
			q_err("type");
		fflush(fp);
		return kipc_ref(f);
	}
	if (q->zw > 0 && (h == q->zw || h == -(int64_t) q->zw))
	{
		char		err[256];
		K		   *r;

		if (!q->hooks.send_to_caller)
			q_err("nyi");
		err[0] = 0;
		r = q->hooks.send_to_caller(q->hooks.arg, x, h > 0, err, sizeof(err));
		if (!r)
			q_err(err[0] ? err : "io");
		return r;
	}
	return NULL;
}

/*
 * Is @[x;y;h] a trap of handle application x y?  Yes when x is a handle
 * apply_handle() serves (1, 2, -1, -2, the caller's .z.w or its negation):
 * a handle is applicable (KX basics/handles.md); other int atoms stay data.
 */
static bool
is_handle(const K *x)
{
	int64_t		h;

	if (x->type != -KIPC_T_LONG && x->type != -KIPC_T_INT)
		return false;
	h = x->type == -KIPC_T_LONG ? x->a.j : x->a.i;
	if (q_cur->zw > 0 && (h == q_cur->zw || h == -(int64_t) q_cur->zw))
		return true;
	return h == 1 || h == 2 || h == -1 || h == -2;
}

/*
 * ?[c;x;y] for items of 4 or 8 bytes: one loop per shape of x and y
 * (vector or atom), items moved as words.
 */
#define VCOND_LOOP(T) \
	do { \
		T			xv, \
					yv; \
		const char *X = x->type < 0 ? NULL : (const char *) x->v.items; \
		const char *Y = y->type < 0 ? NULL : (const char *) y->v.items; \
		memcpy(&xv, &x->a, sizeof(T)); \
		memcpy(&yv, &y->a, sizeof(T)); \
		for (k = 0; k < cnt; k++) \
		{ \
			T			a = xv, \
						b = yv; \
			if (X) \
				memcpy(&a, X + k * sizeof(T), sizeof(T)); \
			if (Y) \
				memcpy(&b, Y + k * sizeof(T), sizeof(T)); \
			a = C[k] ? a : b; \
			memcpy(out + k * sizeof(T), &a, sizeof(T)); \
		} \
	} while (0)

static void
vcond_fixed(const void *cond, const K *x, const K *y, char *out, int w, int64_t cnt)
{
	const uint8_t *C = cond;
	int64_t		k;

	if (w == 8)
		VCOND_LOOP(int64_t);
	else
		VCOND_LOOP(int32_t);
}

K *
q_apply(K *f, K **args, int n)
{
	int			i;
	bool		elided = false;

	if ((++q_cur->tick & 0xfff) == 0)
		q_check_deadline();
	for (i = 0; i < n; i++)
		if (is_elided(args[i]))
			elided = true;

	switch (f->type)
	{
		case KIPC_T_LAMBDA:
			{
				int			r = q_lambda_of(f)->nparams;

				if (n == 1 && is_elided(args[0]) && r == 1)
				{
					K		   *id = kipc_new_identity();
					K		   *res = call_lambda(f, &id, 1);

					kipc_unref(id);
					return res;
				}
				if (elided || n < r)
					return make_projection(f, args, n);
				return call_lambda(f, args, n);
			}
		case KIPC_T_UNARY:
			/* .qserver.partition[`t;`date] is the one binary hook */
			if (f->a.g == U_QS_PARTITION && n == 2 && !elided)
				return q_partition(args[0], args[1]);
			if (f->a.g == U_Q_IND && n == 2 && !elided)
				return q_ind(args[0], args[1]);
			if (n > 1 && (f->a.g == U_ENLIST || f->a.g == U_ENLIST1) && !elided)
				return q_vec_from_items(args, n);	/* enlist[a;b;..] is variadic */
			if (n != 1)
				q_err("rank");
			if (f->a.g == U_IDENTITY)
				return is_elided(args[0]) ? kipc_new_identity() : kipc_ref(args[0]);
			if (is_elided(args[0]))
			{
				K		   *id = kipc_new_identity();
				K		   *res = q_unary(f->a.g, id);

				kipc_unref(id);
				return res;
			}
			return q_unary(f->a.g, args[0]);
		case KIPC_T_BINARY:
			if (n == 2 && !elided)
				return q_binary(f->a.g, args[0], args[1]);
			if (n == 1 || (n == 2 && elided))
				return make_projection(f, args, n);
			if (elided)
				q_err("nyi");
			if (f->a.g == B_QUERY && (n == 4 || n == 5 || n == 6))
				return q_functional('?', args, n);
			if (f->a.g == B_QUERY && n == 3)
			{
				/* ?[c;a;b] vector conditional */
				K		   *c = args[0];
				K		   *r;
				int64_t		k,
							cnt = q_count(c);

				if (c->type != KIPC_T_BOOLEAN)
					q_err("type");
				/* both branches of one fixed-width type: copy items */
				{
					K		   *x = args[1],
							   *y = args[2];
					int			t = x->type < 0 ? -x->type : x->type;
					int			w = (t >= 1 && t <= 19 && t != KIPC_T_SYMBOL) ? kipc_type_size(t) : 0;

					if (w > 0 && (y->type == t || y->type == -t) &&
						(x->type < 0 || x->n == cnt) &&
						(y->type < 0 || y->n == cnt))
					{
						const char *xa = (const char *) &x->a;
						const char *ya = (const char *) &y->a;
						char	   *out;

						r = kipc_new_vector(t, cnt);
						out = (char *) r->v.items;
						if (w == 8 || w == 4)
						{
							vcond_fixed(c->v.items, x, y, out, w, cnt);
							return r;
						}
						for (k = 0; k < cnt; k++)
						{
							K		   *src = kipc_get_g(c, k) ? x : y;
							const char *from = src->type < 0 ?
								(src == x ? xa : ya) :
								(const char *) src->v.items + k * w;

							memcpy(out + k * w, from, w);
						}
						return r;
					}
				}
				/*
				 * No rows: the result is still a vector of the branches'
				 * type (0#y), as kdb+ gives, so that a comparison with an
				 * atom of that type works on it; q_collapse cannot type an
				 * empty list
				 */
				if (cnt == 0)
				{
					int			tx = args[1]->type < 0 ? -args[1]->type : args[1]->type;
					int			ty = args[2]->type < 0 ? -args[2]->type : args[2]->type;

					if (tx == ty && tx >= 1 && tx <= 19 &&
						(args[1]->type < 0 || args[1]->n == 0) &&
						(args[2]->type < 0 || args[2]->n == 0))
						return kipc_new_vector(tx, 0);
				}
				r = kipc_new_list(cnt);
				for (k = 0; k < cnt; k++)
					r->v.objs[k] = q_item(kipc_get_g(c, k) ? args[1] : args[2], args[1]->type < 0 && kipc_get_g(c, k) ? -1 : (args[2]->type < 0 && !kipc_get_g(c, k) ? -1 : k));
				return q_collapse(r);
			}
			if (f->a.g == B_BANG && n == 4)
				return q_functional('!', args, n);
			if ((f->a.g == B_AT || f->a.g == B_DOT) && (n == 3 || n == 4))
			{
				/* amend / trap */
				K		   *x = args[0];

				if (n == 3 && (q_is_function(x) || is_handle(x)))
				{
					/* @[f;x;handler] / .[f;args;handler]: trap */
					K		   *res;
					QErrJmp		jb;
					QInterp    *q = q_cur;
					QFrame	   *fr = q->frame;
					QScope	   *sc = q->scope;
					QArena	   *arena = q->arena;
					QFrame	   *ftop = q->ftop;
					int64_t		vsp = q->vsp;
					int			depth = q->depth;

					jb.prev = q->jmp;
					q->jmp = &jb;
					if (setjmp(jb.jb) == 0)
					{
						if (f->a.g == B_AT)
							res = q_apply1(x, args[1]);
						else
						{
							K		   *a = args[1];
							int64_t		cnt = q_count(a);
							K		  **av = q_alloc(sizeof(K *) * (cnt ? cnt : 1));
							int64_t		k;

							for (k = 0; k < cnt; k++)
								av[k] = q_item(a, k);
							res = q_apply(x, av, (int) cnt);
							for (k = 0; k < cnt; k++)
								kipc_unref(av[k]);
							free(av);
						}
						q->jmp = jb.prev;
						return res;
					}
					q->jmp = jb.prev;
					q->frame = fr;
					q->scope = sc;
					q->depth = depth;
					q->returning = false;
					unwind_to(q, ftop, vsp, arena);
					{
						K		   *msg = kipc_new_cstring(q->errbuf);

						if (q_is_function(args[2]))
							res = q_apply1(args[2], msg);
						else
							res = kipc_ref(args[2]);
						kipc_unref(msg);
					}
					return res;
				}
				{
					/* @[x;i;f] / @[x;i;f;y] amend at index */
					K		   *base = x->type == -KIPC_T_SYMBOL ? q_resolve_table(x) : kipc_ref(x);
					K		   *idx = args[1];
					int64_t		k,
								ni;
					K		   *r;

					if (base->type == KIPC_T_TABLE || base->type == KIPC_T_DICT)
						q_err("nyi");
					r = kipc_new_list(q_count(base));
					for (k = 0; k < r->n; k++)
						r->v.objs[k] = q_item(base, k);
					ni = q_is_atom(idx) ? 1 : q_count(idx);
					for (k = 0; k < ni; k++)
					{
						K		   *ik = q_is_atom(idx) ? kipc_ref(idx) : q_item(idx, k);
						int64_t		p = q_to_long(ik);
						K		   *nv;

						if (p < 0 || p >= r->n)
							q_err("index");
						if (n == 3)
							nv = q_apply1(args[2], r->v.objs[p]);
						else
						{
							K		   *yk = q_is_atom(args[3]) || q_is_atom(idx) ? kipc_ref(args[3]) : q_item(args[3], k);

							nv = q_apply2(args[2], r->v.objs[p], yk);
							kipc_unref(yk);
						}
						kipc_unref(r->v.objs[p]);
						r->v.objs[p] = nv;
						kipc_unref(ik);
					}
					kipc_unref(base);
					r = q_collapse(r);
					if (x->type == -KIPC_T_SYMBOL)
					{
						q_set_global(x->a.s, r);
						return kipc_ref(x);
					}
					return r;
				}
			}
			q_err("rank");
		case KIPC_T_PROJECTION:
			{
				int			np = (int) f->n - 1;
				K		  **full = q_alloc(sizeof(K *) * (np + n + 1));
				int			k = 0,
							m = 0;
				K		   *res;

				for (i = 0; i < np; i++)
				{
					K		   *a = f->v.objs[i + 1];

					if (is_elided(a) && k < n)
						full[m++] = args[k++];
					else
						full[m++] = a;
				}
				while (k < n)
					full[m++] = args[k++];
				res = q_apply(f->v.objs[0], full, m);
				free(full);
				return res;
			}
		case KIPC_T_EACH:
		case KIPC_T_OVER:
		case KIPC_T_SCAN:
		case KIPC_T_EACHPRIOR:
		case KIPC_T_EACHRIGHT:
		case KIPC_T_EACHLEFT:
			if (elided)
				return make_projection(f, args, n);
			return apply_adverb(f, args, n);
		case KIPC_T_COMPOSITION:
			q_err("nyi");
		case -KIPC_T_SYMBOL:
			{
				K		   *v = q_lookup(f->a.s);
				K		   *res;

				if (!v)
					q_err(f->a.s);
				if (v->type == -KIPC_T_SYMBOL)
					q_err("type");
				res = q_apply(v, args, n);
				kipc_unref(v);
				return res;
			}
		default:
			break;
	}
	/* an int or long atom applied to one argument is a handle */
	if (n == 1 && (f->type == -KIPC_T_LONG || f->type == -KIPC_T_INT) && !elided)
	{
		K		   *r = apply_handle(f, args[0]);

		if (r)
			return r;
	}
	/* data: indexing */
	if (n == 1)
	{
		if (is_elided(args[0]))
			return kipc_ref(f);
		return q_index(f, args[0]);
	}
	{
		K		   *r = is_elided(args[0]) ? kipc_ref(f) : q_index(f, args[0]);

		if (is_elided(args[0]) || (!q_is_atom(args[0]) && r->type != KIPC_T_TABLE))
		{
			/* x[;j] / x[i;j] with i a list: index each item by the rest */
			int64_t		cnt = q_count(r),
						k;
			K		   *out;

			if (r->type == KIPC_T_TABLE)
			{
				K		   *res = q_apply(r, args + 1, n - 1);

				kipc_unref(r);
				return res;
			}
			out = kipc_new_list(cnt);
			for (k = 0; k < cnt; k++)
			{
				K		   *it = q_item(r, k);

				out->v.objs[k] = q_apply(it, args + 1, n - 1);
				kipc_unref(it);
			}
			kipc_unref(r);
			return q_collapse(out);
		}
		{
			K		   *res = q_apply(r, args + 1, n - 1);

			kipc_unref(r);
			return res;
		}
	}
}

K *
q_apply1(K *f, K *x)
{
	return q_apply(f, &x, 1);
}

K *
q_apply2(K *f, K *x, K *y)
{
	K		   *a[2];

	a[0] = x;
	a[1] = y;
	return q_apply(f, a, 2);
}

/* f each over items; dicts keep their keys */
static K *
each1(K *f, K *x)
{
	int64_t		n,
				k;
	K		   *r;

	if (x->type == KIPC_T_DICT)
	{
		K		   *v = each1(f, kipc_dict_values(x));

		return q_dict_new(kipc_ref(kipc_dict_keys(x)), v);
	}
	if (q_is_atom(x))
		return q_apply1(f, x);
	n = q_count(x);
	r = kipc_new_list(n);
	q_vpush(r);
	for (k = 0; k < n; k++)
	{
		K		   *it = q_item(x, k);

		q_vpush(it);
		r->v.objs[k] = q_apply1(f, it);
		q_vpop(q_cur->vsp - 1);
		if ((k & 0x3ff) == 0x3ff)
			q_check_deadline();
	}
	q_vdrop(q_cur->vsp - 1);
	return q_collapse(r);
}

static K *
each2(K *f, K *x, K *y, int mode)
{
	int64_t		n,
				k;
	K		   *r;
	bool		xa = mode == 2 || q_is_atom(x),
				ya = mode == 1 || q_is_atom(y);

	/* mode 0 = each both, 1 = each-left (y fixed), 2 = each-right */
	if (mode == 1)
		xa = false;
	if (mode == 2)
		ya = false;
	if (mode == 0 && x->type == KIPC_T_TABLE && y->type == KIPC_T_TABLE &&
		f->type == KIPC_T_BINARY && f->a.g == B_JOIN)
	{
		/*
		 * t,'r on tables of the same count joins them column-wise (KX
		 * ref/join.md): flip (flip t),flip r, the columns of r replacing
		 * those of t with the same name; 0-row tables included
		 */
		K		   *fx,
				   *fy,
				   *d,
				   *t;

		if (q_count(x) != q_count(y))
			q_err("length");
		fx = q_flip(x);
		fy = q_flip(y);
		d = q_join(fx, fy);
		kipc_unref(fx);
		kipc_unref(fy);
		t = q_flip(d);
		kipc_unref(d);
		return t;
	}
	if (mode == 0 && x->type == KIPC_T_DICT && y->type == KIPC_T_DICT)
	{
		/* dictionaries (keyed tables too) with the same keys: each over the
		 * values, keys kept; other key sets are not modelled */
		if (!q_match(kipc_dict_keys(x), kipc_dict_keys(y)))
			q_err("nyi");
		return q_dict_new(kipc_ref(kipc_dict_keys(x)),
						  each2(f, kipc_dict_values(x), kipc_dict_values(y), 0));
	}
	if (mode == 1 && q_is_atom(x))
		return q_apply2(f, x, y);
	if (mode == 2 && q_is_atom(y))
		return q_apply2(f, x, y);
	if (xa && ya)
		return q_apply2(f, x, y);
	if (!xa && !ya && q_count(x) != q_count(y))
		q_err("length");
	n = xa ? q_count(y) : q_count(x);
	r = kipc_new_list(n);
	q_vpush(r);
	for (k = 0; k < n; k++)
	{
		K		   *xi = xa ? kipc_ref(x) : q_item(x, k);
		K		   *yi = ya ? kipc_ref(y) : q_item(y, k);

		q_vpush(xi);
		q_vpush(yi);
		r->v.objs[k] = q_apply2(f, xi, yi);
		q_vpop(q_cur->vsp - 2);
		if ((k & 0x3ff) == 0x3ff)
			q_check_deadline();
	}
	q_vdrop(q_cur->vsp - 1);
	return q_collapse(r);
}

static K *
apply_adverb(K *d, K **args, int n)
{
	K		   *f = d->v.objs[0];

	switch (d->type)
	{
		case KIPC_T_EACH:
			if (n == 1)
				return each1(f, args[0]);
			if (n == 2)
				return each2(f, args[0], args[1], 0);
			q_err("nyi");
		case KIPC_T_EACHLEFT:
			if (n != 2)
				q_err("rank");
			return each2(f, args[0], args[1], 1);
		case KIPC_T_EACHRIGHT:
			if (n != 2)
				q_err("rank");
			return each2(f, args[0], args[1], 2);
		case KIPC_T_OVER:
		case KIPC_T_SCAN:
			{
				bool		scan = d->type == KIPC_T_SCAN;
				K		   *acc;
				K		   *x;
				int64_t		cnt,
							k,
							start;
				K		   *out = NULL;

				if (n == 1 && rank_of(f) == 1)
				{
					/* converge */
					K		   *prev = kipc_ref(args[0]);
					int			iter = 0;

					out = scan ? kipc_new_list(0) : NULL;
					for (;;)
					{
						K		   *nx = q_apply1(f, prev);
						bool		same = q_match(nx, prev) || q_match(nx, args[0]);

						if (scan)
						{
							kipc_resize(out, out->n + 1);
							out->v.objs[out->n - 1] = kipc_ref(prev);
						}
						kipc_unref(prev);
						prev = nx;
						if (same || ++iter > 100000)
							break;
						q_check_deadline();
					}
					if (scan)
					{
						kipc_unref(prev);
						return q_collapse(out);
					}
					return prev;
				}
				if (n == 1)
				{
					x = args[0];
					/* fast paths for the common reductions */
					if (!scan && f->type == KIPC_T_BINARY)
					{
						switch (f->a.g)
						{
							case B_PLUS: return q_unary(U_SUM, x);
							case B_TIMES: return q_unary(U_PRD, x);
							case B_OR: return q_unary(U_MAX, x);
							case B_AND: return q_unary(U_MIN, x);
							case B_JOIN: return q_unary(U_RAZE, x);
						}
					}
					if (scan && f->type == KIPC_T_BINARY && f->a.g == B_PLUS)
						return q_unary(U_SUMS, x);
					cnt = q_count(x);
					if (q_is_atom(x))
						return kipc_ref(x);
					if (cnt == 0)
						return kipc_ref(x);
					acc = q_item(x, 0);
					start = 1;
				}
				else if (n == 2 && rank_of(f) == 1)
				{
					/* n f/ x: do n times; c f/ x: while c (KX accumulators.md) */
					K		   *c = args[0];
					bool		is_do = c->type == -KIPC_T_LONG || c->type == -KIPC_T_INT ||
						c->type == -KIPC_T_SHORT;
					int64_t		times = is_do ? q_to_long(c) : 0,
								it = 0;

					if (!is_do && !q_is_function(c))
						q_err("type");
					acc = kipc_ref(args[1]);
					out = scan ? kipc_new_list(0) : NULL;
					for (;;)
					{
						K		   *nx;

						if (scan)
						{
							kipc_resize(out, out->n + 1);
							out->v.objs[out->n - 1] = kipc_ref(acc);
						}
						if (is_do)
						{
							if (it++ >= times)
								break;
						}
						else
						{
							K		   *t = q_apply1(c, acc);
							bool		go = q_true(t);

							kipc_unref(t);
							if (!go)
								break;
						}
						nx = q_apply1(f, acc);
						kipc_unref(acc);
						acc = nx;
						q_check_deadline();
					}
					if (scan)
					{
						kipc_unref(acc);
						return q_collapse(out);
					}
					return acc;
				}
				else if (n == 2)
				{
					x = args[1];
					acc = kipc_ref(args[0]);
					start = 0;
					if (q_is_atom(x))
					{
						K		   *r = q_apply2(f, acc, x);

						kipc_unref(acc);
						return r;
					}
					cnt = q_count(x);
				}
				else
					q_err("nyi");
				if (scan)
				{
					out = kipc_new_list(cnt);
					if (start == 1)
						out->v.objs[0] = kipc_ref(acc);
				}
				for (k = start; k < cnt; k++)
				{
					K		   *it = q_item(x, k);
					K		   *nx = q_apply2(f, acc, it);

					kipc_unref(it);
					kipc_unref(acc);
					acc = nx;
					if (scan)
						out->v.objs[k] = kipc_ref(acc);
					if ((k & 0x3ff) == 0x3ff)
						q_check_deadline();
				}
				if (scan)
				{
					kipc_unref(acc);
					return q_collapse(out);
				}
				return acc;
			}
		case KIPC_T_EACHPRIOR:
			{
				K		   *x = n == 1 ? args[0] : args[1];
				int64_t		cnt = q_count(x),
							k;
				K		   *out = kipc_new_list(cnt);

				for (k = 0; k < cnt; k++)
				{
					K		   *a = q_item(x, k);
					K		   *b;

					if (k == 0)
					{
						if (n == 2)
							b = kipc_ref(args[0]);
						else
						{
							/*
							 * unary f': the seed is the identity of an
							 * operator q knows (0 for + -, 1 for * %, () for
							 * ,), typed like x; otherwise first 0#x, the null
							 * of x's type (KX maps.md "Each Prior")
							 */
							int			op = f->type == KIPC_T_BINARY ? f->a.g : -1;
							int			t = x->type;

							if ((op == B_PLUS || op == B_MINUS || op == B_TIMES || op == B_DIVIDE) &&
								t >= KIPC_T_BOOLEAN && t <= KIPC_T_TIME)
							{
								K		   *ty = kipc_new_short((int16_t) t);
								K		   *v = kipc_new_long(op == B_PLUS || op == B_MINUS ? 0 : 1);

								b = q_cast(ty, v);
								kipc_unref(ty);
								kipc_unref(v);
							}
							else if (op == B_JOIN)
								b = kipc_new_list(0);
							else if (t >= KIPC_T_BOOLEAN && t <= KIPC_T_TIME)
								b = q_null_atom(-t);
							else if (t == KIPC_T_LIST && a->type < 0 && a->type >= -KIPC_T_TIME)
								b = q_null_atom(a->type);	/* 0#x takes x0's type */
							else
								b = kipc_new_list(0);
						}
					}
					else
						b = q_item(x, k - 1);
					out->v.objs[k] = q_apply2(f, a, b);
					kipc_unref(a);
					kipc_unref(b);
				}
				return q_collapse(out);
			}
		default:
			q_err("nyi");
	}
}

/* ----------------------------------------------------------------
 * Evaluation
 * ----------------------------------------------------------------
 */
static void
set_local_or_global(const char *name, K *v, bool global)
{
	QInterp    *q = q_cur;

	/* a namespaced name (.ns.x) is never a local, even inside a lambda */
	if (q->frame && !global && name[0] != '.')
	{
		QFrame	   *fr = q->frame;
		int			i;

		for (i = 0; i < fr->nvars; i++)
			if (strcmp(fr->vars[i].name, name) == 0)
			{
				kipc_unref(fr->vars[i].val);
				fr->vars[i].val = v;
				return;
			}
		if (fr->nvars == 128)
			q_err("locals");
		fr->vars[fr->nvars].name = (char *) name;
		fr->vars[fr->nvars].val = v;
		fr->nvars++;
		return;
	}
	q_set_global(name, v);
}

static K *
eval_table_literal(QNode *n)
{
	int			nk = n->op - 1;
	int			nc = n->n - nk;
	int			total = n->n,
				i;
	K		  **vals = q_alloc(sizeof(K *) * (total ? total : 1));
	K		   *names = kipc_new_vector(KIPC_T_SYMBOL, total);
	K		   *cols = kipc_new_list(total);
	int64_t		len = -1;
	K		   *t;

	for (i = total - 1; i >= 0; i--)
	{
		QNode	   *e = n->kids[i];
		const char *nm = NULL;

		if (!e)
			q_err("nyi");
		if (e->kind == N_ASSIGN && e->op == 0)
		{
			nm = e->name;
			vals[i] = q_eval(e->kids[0]);
		}
		else
		{
			if (e->kind == N_VAR)
				nm = e->name;
			vals[i] = q_eval(e);
		}
		kipc_set_symbol(names, i, nm ? nm : "");
	}
	/* unnamed columns: x, x1, x2 ... as q's table-literal naming */
	for (i = 0; i < total; i++)
	{
		if (names->v.syms[i][0] == 0)
		{
			char		buf[32];
			int			suffix = 0,
						j;
			bool		clash;

			do
			{
				if (suffix == 0)
					snprintf(buf, sizeof(buf), "x");
				else
					snprintf(buf, sizeof(buf), "x%d", suffix);
				clash = false;
				for (j = 0; j < total; j++)
					if (j != i && strcmp(names->v.syms[j], buf) == 0)
						clash = true;
				suffix++;
			} while (clash);
			kipc_set_symbol(names, i, buf);
		}
	}
	for (i = 0; i < total; i++)
		if (!q_is_atom(vals[i]))
		{
			int64_t		c = q_count(vals[i]);

			if (len >= 0 && c != len)
				q_err("length");
			len = c;
		}
	if (len < 0)
		len = 1;
	for (i = 0; i < total; i++)
	{
		if (q_is_atom(vals[i]))
		{
			K		   *cnt = kipc_new_long(len);

			cols->v.objs[i] = q_binary(B_TAKE, cnt, vals[i]);
			kipc_unref(cnt);
			kipc_unref(vals[i]);
		}
		else
			cols->v.objs[i] = vals[i];
	}
	free(vals);
	(void) nc;
	t = q_table_new(names, cols);
	if (nk > 0)
	{
		K		   *kn = kipc_new_long(nk);
		K		   *kt = q_xkey(kn, t);

		kipc_unref(kn);
		kipc_unref(t);
		t = kt;
	}
	return t;
}

static K *
eval_seq_loop(QNode **kids, int from, int n)
{
	K		   *r = kipc_new_identity();
	int			i;

	for (i = from; i < n; i++)
	{
		kipc_unref(r);
		r = kids[i] ? q_eval(kids[i]) : kipc_new_identity();
		if (q_cur->returning)
			break;
	}
	return r;
}

K *
q_eval(QNode *n)
{
	QInterp    *q = q_cur;

	if ((++q->tick & 0xfff) == 0)
		q_check_deadline();
	switch (n->kind)
	{
		case N_CONST:
			return kipc_ref(n->val);
		case N_NIL:
			return kipc_new_identity();
		case N_VAR:
			{
				K		   *v = q_lookup(n->name);

				if (!v)
					q_err(n->name);
				return v;
			}
		case N_LAMBDA:
			{
				/* the cache keeps its own parse: n lives in a request's
				 * arena, freed after the request */
				if (!q_hash_get(&q->lambdas, n->lam->src))
					q_hash_put(&q->lambdas, n->lam->src,
							   q_parse_lambda(n->lam->src, strlen(n->lam->src)));
				return kipc_new_lambda("", n->lam->src);
			}
		case N_DERIVED:
			{
				K		   *f = q_eval(n->kids[0]);
				K		   *d = kipc_new_compound(KIPC_T_EACH + n->op, 1);

				d->v.objs[0] = f;
				return d;
			}
		case N_LIST:
			{
				K		   *l;
				int			i;

				if (n->op > 0)
					return eval_table_literal(n);
				l = kipc_new_list(n->n);
				q_vpush(l);
				for (i = n->n - 1; i >= 0; i--)
					l->v.objs[i] = n->kids[i] ? q_eval(n->kids[i]) : kipc_new_identity();
				q_vdrop(q->vsp - 1);
				return q_collapse(l);
			}
		case N_APPLY:
			{
				int			na = n->n - 1,
							i;
				K		   *argv[16];
				K		  **args = na <= 16 ? argv : q_alloc(sizeof(K *) * na);
				K		   *f,
						   *r;

				int64_t		base = q->vsp;

				/* the stack holds the arguments and f while they apply */
				for (i = na - 1; i >= 0; i--)
				{
					args[i] = n->kids[i + 1] ? q_eval(n->kids[i + 1]) : NULL;
					q_vpush(args[i]);
				}
				f = q_eval(n->kids[0]);
				q_vpush(f);
				if (na == 1 && args[0] == NULL && f->type != KIPC_T_BINARY &&
					f->type != KIPC_T_PROJECTION)
				{
					args[0] = kipc_new_identity();
					q_vpush(args[0]);
				}
				r = q_apply(f, args, na);
				q_vpop(base);
				if (args != argv)
					free(args);
				return r;
			}
		case N_ASSIGN:
			{
				K		   *v = q_eval(n->kids[0]);

				if (n->op)
				{
					K		   *old = q_lookup(n->name);
					K		   *nv;

					if (!old)
						q_err(n->name);
					nv = q_binary(n->op, old, v);
					/* x,:y keeps `s `u `g when it still holds (q_attr.c) */
					if (n->op == B_JOIN && old->attr && nv->refcount == 1)
						q_append_attr(old, nv);
					kipc_unref(old);
					kipc_unref(v);
					v = nv;
				}
				set_local_or_global(n->name, kipc_ref(v), n->global);
				return v;
			}
		case N_IASSIGN:
			{
				K		   *v = q_eval(n->kids[0]);
				K		   *old = q_lookup(n->name);
				K		   *nv;
				K		   *idx;

				if (!old)
					q_err(n->name);
				if (n->n != 2 || !n->kids[1])
					q_err("nyi");
				idx = q_eval(n->kids[1]);
				if (old->type == KIPC_T_DICT)
				{
					/* d[k]:v upserts the key */
					K		   *keys = kipc_dict_keys(old);
					K		   *vals = kipc_dict_values(old);
					K		   *pos = q_binary(B_QUERY, keys, idx);
					int64_t		p = q_to_long(pos);

					kipc_unref(pos);
					if (p < q_count(keys))
					{
						K		   *nl = kipc_new_list(q_count(vals));
						int64_t		k;

						for (k = 0; k < nl->n; k++)
							nl->v.objs[k] = k == p ? kipc_ref(v) : q_item(vals, k);
						nv = q_dict_new(kipc_ref(keys), q_collapse(nl));
					}
					else
					{
						K		   *ek = q_enlist(idx);
						K		   *ev = q_enlist(v);

						nv = q_dict_new(q_join(keys, ek), q_join(vals, ev));
						kipc_unref(ek);
						kipc_unref(ev);
					}
				}
				else
				{
					K		   *args[4];
					K		   *colon = kipc_new_primitive(KIPC_T_BINARY, B_ASSIGN);
					K		   *at = kipc_new_primitive(KIPC_T_BINARY, B_AT);

					args[0] = old;
					args[1] = idx;
					args[2] = colon;
					args[3] = v;
					nv = q_apply(at, args, 4);
					kipc_unref(colon);
					kipc_unref(at);
				}
				kipc_unref(old);
				kipc_unref(idx);
				set_local_or_global(n->name, nv, false);
				return v;
			}
		case N_RETURN:
			{
				K		   *v = n->kids[0] ? q_eval(n->kids[0]) : kipc_new_identity();

				q->returning = true;
				q->retval = kipc_ref(v);
				return v;
			}
		case N_SIGNAL:
			{
				K		   *v = q_eval(n->kids[0]);

				q_vpush(v);		/* q_err copies the text; the unwind drops v */
				if (v->type == -KIPC_T_SYMBOL)
					q_err(v->a.s);
				if (v->type == KIPC_T_CHAR)
				{
					char		s[256];

					snprintf(s, sizeof(s), "%.*s", (int) (v->n < 255 ? v->n : 255),
							 (const char *) v->v.items);
					q_err(s);
				}
				if (v->type == -KIPC_T_CHAR)
				{
					char		s[2] = {(char) v->a.g, 0};

					q_err(s);
				}
				q_err("stype");
			}
		case N_COND:
			{
				int			i;

				for (i = 0; i + 1 < n->n; i += 2)
				{
					K		   *c = q_eval(n->kids[i]);
					bool		t = q_true(c);

					kipc_unref(c);
					if (t)
						return q_eval(n->kids[i + 1]);
				}
				if (n->n % 2 == 1)
					return q_eval(n->kids[n->n - 1]);
				return kipc_new_identity();
			}
		case N_IF:
			{
				K		   *c = q_eval(n->kids[0]);
				bool		t = q_true(c);

				kipc_unref(c);
				if (t)
				{
					K		   *r = eval_seq_loop(n->kids, 1, n->n);

					if (q->returning)
						return r;
					kipc_unref(r);
				}
				return kipc_new_identity();
			}
		case N_DO:
			{
				K		   *c = q_eval(n->kids[0]);
				int64_t		cnt = q_to_long(c),
							k;

				kipc_unref(c);
				for (k = 0; k < cnt; k++)
				{
					K		   *r = eval_seq_loop(n->kids, 1, n->n);

					if (q->returning)
						return r;
					kipc_unref(r);
					q_check_deadline();
				}
				return kipc_new_identity();
			}
		case N_WHILE:
			for (;;)
			{
				K		   *c = q_eval(n->kids[0]);
				bool		t = q_true(c);
				K		   *r;

				kipc_unref(c);
				if (!t)
					break;
				r = eval_seq_loop(n->kids, 1, n->n);
				if (q->returning)
					return r;
				kipc_unref(r);
				q_check_deadline();
			}
			return kipc_new_identity();
		case N_SEQ:
			if (n->n == 0)
				return kipc_new_identity();
			return eval_seq_loop(n->kids, 0, n->n);
		case N_QSQL:
			return q_run_sql(n->sql);
	}
	q_err("nyi");
}

/* ----------------------------------------------------------------
 * Parse trees (functional forms, eval)
 * ----------------------------------------------------------------
 */
static QNode *tree_to_node(K *t);

/* a parse tree as an expression node (in the top arena) */
QNode *
q_tree_to_node(K *t)
{
	return tree_to_node(t);
}

static QNode *
tree_to_node(K *t)
{
	if (t->type == -KIPC_T_SYMBOL)
	{
		QNode	   *n = q_node(N_VAR, 0);

		n->name = q_pstrndup(t->a.s, strlen(t->a.s));
		return n;
	}
	/*
	 * a one-item list -- general, or a symbol vector like ,`x -- quotes
	 * its item, as kdb+'s eval does (eval_tree in q_table.c): `s=,`x in a
	 * partition's aggregate compares with the atom `x
	 */
	if (t->type == KIPC_T_LIST && t->n == 1)
		return q_node_const(kipc_ref(t->v.objs[0]));
	if (t->type == KIPC_T_SYMBOL && t->n == 1)
		return q_node_const(kipc_new_symbol(t->v.syms[0]));
	if (t->type == KIPC_T_LIST && t->n > 0)
	{
		QNode	   *n = q_node(N_APPLY, (int) t->n);
		int64_t		i;

		for (i = 0; i < t->n; i++)
			n->kids[i] = tree_to_node(t->v.objs[i]);
		/* (enlist;x) and (,;x) build constants from their argument */
		return n;
	}
	return q_node_const(kipc_ref(t));
}

K *
q_parse_tree_eval(K *tree)
{
	QArena	   *a = q_arena_push();
	QNode	   *n = tree_to_node(tree);
	K		   *r = q_eval(n);

	q_arena_pop(a);
	return r;
}

/* ----------------------------------------------------------------
 * value on text
 * ----------------------------------------------------------------
 */
K *
q_value_string(const char *src, size_t len)
{
	QNode	   *n;
	QInterp    *q = q_cur;
	QFrame	   *saved_frame;
	QArena	   *arena;
	K		   *r;

	if (len > 0 && src[0] == '\\')
	{
		/* system commands: only the harmless ones */
		if (len >= 2 && src[1] == 'l')
		{
			char	   *path = q_strndup(src + 2, len - 2);
			char	   *p = path;

			while (*p == ' ')
				p++;
			r = q_load_script(q, p);
			free(path);
			if (r->type == KIPC_T_ERROR)
			{
				char		buf[256];

				snprintf(buf, sizeof(buf), "%s", r->a.s);
				kipc_unref(r);
				q_err(buf);
			}
			return r;
		}
		if (len >= 2 && (src[1] == 'd' || src[1] == 'p' || src[1] == 'g' || src[1] == 'c' || src[1] == 't'))
			return kipc_new_identity();
		q_err("nyi");
	}
	/*
	 * value evaluates in the root context, whatever the caller's scope: in
	 * real q, PyKX's .z.pg:{value x} defines globals with x:...  A q error
	 * inside longjmps past the restore; q_protect restores the frame.
	 */
	saved_frame = q->frame;
	q->frame = NULL;
	arena = q_arena_push();
	n = q_parse(src, len);
	r = q_eval(n);
	if (q->returning && !q->frame)
	{
		kipc_unref(r);
		r = q->retval;
		q->retval = NULL;
		q->returning = false;
	}
	q->frame = saved_frame;
	/* the tree goes; lambdas defined in it were cached with their own */
	q_arena_pop(arena);
	return r;
}

/* ----------------------------------------------------------------
 * Protected evaluation and the qeval.h API
 * ----------------------------------------------------------------
 */
typedef K *(*QProtFn) (void *arg);

static K *
q_protect(QInterp *qarg, QProtFn fn, void *arg)
{
	QErrJmp		jb;
	QInterp    *volatile q = qarg;	/* both read after longjmp */
	QInterp    *volatile saved = q_cur;
	QFrame	   *fr;
	QScope	   *sc;
	QArena	   *arena;
	QFrame	   *ftop;
	int64_t		vsp;
	int			depth;
	K		   *r;

	q_cur = q;
	fr = q->frame;
	sc = q->scope;
	depth = q->depth;
	arena = q->arena;
	ftop = q->ftop;
	vsp = q->vsp;
	jb.prev = q->jmp;
	q->jmp = &jb;
	if (setjmp(jb.jb) == 0)
	{
		r = fn(arg);
		q->jmp = jb.prev;
	}
	else
	{
		q->jmp = jb.prev;
		q->frame = fr;
		q->scope = sc;
		q->depth = depth;
		q->returning = false;
		unwind_to(q, ftop, vsp, arena);
		if (q->retval)
		{
			kipc_unref(q->retval);
			q->retval = NULL;
		}
		r = kipc_new_error(q->errbuf);
	}
	q_cur = saved ? saved : q;
	return r;
}

QInterp *
q_interp_new(const QServerHooks *hooks)
{
	QInterp    *q = calloc(1, sizeof(QInterp));

	if (!q)
		return NULL;
	if (hooks)
		q->hooks = *hooks;
	q_sym_init();
	q->rng = 0x2545F4914F6CDD1DULL;
	q_cur = q;
	q_rand_seed(q->rng);
	return q;
}

void
q_interp_free(QInterp *q)
{
	int64_t		i;

	if (!q)
		return;
	q_stats_free(q);
	for (i = 0; i < q->globals.cap; i++)
		if (q->globals.keys[i])
		{
			kipc_unref(q->globals.vals[i]);
			free(q->globals.keys[i]);
		}
	free(q->globals.keys);
	free(q->globals.vals);
	for (i = 0; i < q->lambdas.cap; i++)
		if (q->lambdas.keys[i])
		{
			QLambda    *L = q->lambdas.vals[i];

			/* the lambda itself lives in its arena */
			if (L && L->arena)
				arena_free(L->arena);
			free(q->lambdas.keys[i]);
		}
	free(q->lambdas.keys);
	free(q->lambdas.vals);
	free(q->vstack);
	free(q->zu);
	free(q->za);
	if (q_cur == q)
		q_cur = NULL;
	free(q);
}

typedef struct TextArg
{
	const char *src;
	size_t		len;
} TextArg;

static K *
eval_text_fn(void *arg)
{
	TextArg    *t = arg;

	return q_value_string(t->src, t->len);
}

KipcObject *
q_eval_text(QInterp *q, const char *src, size_t len)
{
	TextArg		t;

	K		   *r;

	t.src = src;
	t.len = len;
	q_stats_begin(q);
	r = q_protect(q, eval_text_fn, &t);
	q_stats_end(q);
	return r;
}

/* split a script into statements: a line starting with white space (or a
 * closing bracket) continues the previous one; / and \ comment blocks go */
KipcObject *
q_load_script(QInterp *q, const char *path)
{
	FILE	   *fp = fopen(path, "rb");
	char	   *buf;
	long		sz;
	K		   *last = NULL;
	char	   *stmt;
	size_t		sl = 0;
	char	   *line,
			   *save = NULL;
	bool		in_block = false;

	if (!fp)
	{
		char		msg[300];

		snprintf(msg, sizeof(msg), "%s: No such file or directory", path);
		return kipc_new_error(msg);
	}
	fseek(fp, 0, SEEK_END);
	sz = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc(sz + 2);
	if (fread(buf, 1, sz, fp) != (size_t) sz)
		sz = 0;
	buf[sz] = 0;
	fclose(fp);
	stmt = malloc(sz + 2);

	for (line = strtok_r(buf, "\n", &save);; line = strtok_r(NULL, "\n", &save))
	{
		bool		cont;
		size_t		ll;

		if (line)
		{
			ll = strlen(line);
			if (ll > 0 && line[ll - 1] == '\r')
				line[--ll] = 0;
			if (in_block)
			{
				if (strcmp(line, "\\") == 0)
					in_block = false;
				continue;
			}
			if (strcmp(line, "/") == 0)
			{
				in_block = true;
				continue;
			}
			if (line[0] == '/')
				continue;
			if (strcmp(line, "\\") == 0)
				break;			/* rest of the file is a comment */
			cont = ll == 0 || isspace((unsigned char) line[0]) || line[0] == '}' ||
				line[0] == ')' || line[0] == ']';
			if (ll == 0)
				continue;
		}
		else
			cont = false;
		if ((!cont || !line) && sl > 0)
		{
			K		   *r;

			stmt[sl] = 0;
			r = q_eval_text(q, stmt, sl);
			kipc_unref(last);
			last = r;
			sl = 0;
			if (r->type == KIPC_T_ERROR)
				break;
		}
		if (!line)
			break;
		if (sl > 0)
			stmt[sl++] = '\n';
		memcpy(stmt + sl, line, strlen(line));
		sl += strlen(line);
	}
	free(stmt);
	free(buf);
	return last ? last : kipc_new_identity();
}

typedef struct ReqArg
{
	const KipcObject *payload;
	bool		sync;
} ReqArg;

/* value applied to a request: string = eval; list = apply */
static K *
value_of(K *x)
{
	return q_unary(U_VALUE, x);
}

static K *
request_fn(void *arg)
{
	ReqArg	   *ra = arg;
	K		   *x = kipc_copy(ra->payload);
	K		   *h = q_get_global(ra->sync ? ".z.pg" : ".z.ps");
	K		   *r;

	if (!x)
		q_err("wsfull");
	q_vpush(x);					/* dropped by q_protect on an error */
	if (h)
		r = q_apply1(h, x);
	else
		r = value_of(x);
	q_vpop(q_cur->vsp - 1);
	/* kdb+ does not ship a partitioned table itself (q_table.c) */
	if (q_is_parted_table(r))
		q_err("par");
	return r;
}

KipcObject *
q_handle_request(QInterp *q, const KipcObject *payload, bool sync)
{
	ReqArg		ra;

	K		   *r;

	ra.payload = payload;
	ra.sync = sync;
	q_stats_begin(q);
	r = q_protect(q, request_fn, &ra);
	q_stats_end(q);
	return r;
}

typedef struct PwArg
{
	const char *user;
	const char *password;
} PwArg;

static K *
pw_fn(void *arg)
{
	PwArg	   *pa = arg;
	K		   *h = q_get_global(".z.pw");
	K		   *u = kipc_new_symbol(pa->user ? pa->user : "");
	K		   *p = kipc_new_cstring(pa->password ? pa->password : "");
	K		   *r = q_apply2(h, u, p);

	kipc_unref(u);
	kipc_unref(p);
	return r;
}

bool
q_check_password(QInterp *q, const char *user, const char *password)
{
	PwArg		pa;
	K		   *r;
	bool		ok;

	if (!q_hash_get(&q->globals, ".z.pw"))
		return true;
	pa.user = user;
	pa.password = password;
	r = q_protect(q, pw_fn, &pa);
	ok = r->type == -KIPC_T_BOOLEAN && r->a.g;
	kipc_unref(r);
	return ok;
}

void
q_set_context(QInterp *q, const char *user, int handle, const char *addr)
{
	free(q->zu);
	free(q->za);
	q->zu = user ? strdup(user) : NULL;
	q->za = addr ? strdup(addr) : NULL;
	q->zw = handle;
}

void
q_set_deadline(QInterp *q, int64_t deadline_ms)
{
	q->deadline_ms = deadline_ms;
}
