/*-------------------------------------------------------------------------
 *
 * typemap.c
 *		  Conversion between q values and PostgreSQL Datums for qipc_fdw.
 *
 * This is the only file that knows both PostgreSQL type OIDs and q type
 * numbers.  It owns the null, infinity and epoch rules:
 *
 *	- the declared PostgreSQL column type decides the conversion; a q column
 *	  type it cannot hold is an error naming the column (at the first
 *	  result, before any row is returned);
 *	- every q null becomes SQL NULL (0N of each type, NaN floats, the space
 *	  char, the empty symbol, the zero GUID).  q strings (char vectors) have
 *	  no null: "" is the empty string;
 *	- q infinities (0W, -0W, 0w, ...) become +/-infinity where the
 *	  PostgreSQL type has them (float4, float8, numeric, date, timestamp,
 *	  timestamptz) and raise 22003/22008 where it does not (integers,
 *	  interval, time): never a silent wrong value;
 *	- kdb+ and PostgreSQL share the 2000-01-01 epoch: dates are copied,
 *	  timestamps and timespans are divided by 1000.  Nanoseconds are
 *	  truncated toward minus infinity (floor), so that the order of values
 *	  is kept and a value never moves to the next microsecond (PostgreSQL's
 *	  own input rounds; we do not, because rounding can carry 23:59:59.9999995
 *	  into the next day).  Datetime (float days) is rounded to the nearest
 *	  microsecond, since its float representation is inexact by nature;
 *	- timestamps are read as UTC when the column is timestamptz (kdb+
 *	  timestamps carry no zone; .z.p is UTC);
 *	- time of day: a q minute/second/time/timespan into PostgreSQL time must
 *	  lie in [0, 24h); into interval any value is fine;
 *	- text: q chars and symbols are bytes; they are validated as the database
 *	  encoding (22021 on invalid bytes).
 *
 * Converters are chosen once per result column (qipc_init_converter) and
 * called per row with the column vector and a row index, so a row costs one
 * indirect call per column and no allocation for by-value types.  Symbols
 * are converted to text once per distinct value (a small direct-mapped
 * cache keyed by content, since every item of a decoded symbol vector is a
 * separate pointer).
 *
 * libkipc objects built here for request arguments are heap objects tracked
 * with qipc_track_object.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		  src/typemap.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "catalog/pg_type.h"
#include "common/int.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/float.h"
#include "utils/fmgroids.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "qipc_fdw.h"

#define NS_PER_US		INT64CONST(1000)
#define SYMCACHE_SIZE	256

/* one slot of the symbol -> Datum cache */
typedef struct QipcSymCacheEntry
{
	Datum		value;			/* converted value, in cache_cxt; 0 = empty */
	uint32		hash;
	int			len;			/* symbol length */
	char	   *key;			/* symbol bytes (copy, in cache_cxt) */
} QipcSymCacheEntry;

/* what read_integer / read_float found */
typedef enum QValKind
{
	QV_VALUE,
	QV_NULL,
	QV_POSINF,
	QV_NEGINF
} QValKind;

static QipcConvertFunc choose_converter(QipcColumnConverter *cv, int qtype);
static Datum conv_symbol_text(QipcColumnConverter *cv, const KipcObject *col,
							  int64 k, bool *isnull);
static Datum conv_symbol_text_nocache(QipcColumnConverter *cv,
									  const KipcObject *col, int64 k,
									  bool *isnull);
pg_noreturn static void incompatible(QipcColumnConverter *cv, int qtype);
pg_noreturn static void infinity_error(QipcColumnConverter *cv, QValKind kind);
pg_noreturn static void out_of_range(QipcColumnConverter *cv, const char *what);
static Datum make_text(QipcColumnConverter *cv, const char *s, int len);
static Datum convert_atom(QipcColumnConverter *cv, const KipcObject *atom,
						  bool *isnull);

/* ----------------------------------------------------------------
 * Readers: item k of a vector as a generic value
 * ----------------------------------------------------------------
 */

/* integer-like item (boolean, byte, short, int, long and the temporal ints) */
static inline QValKind
read_integer(const KipcObject *col, int64 k, int64 *out)
{
	switch (col->type)
	{
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
			*out = kipc_get_g(col, k);
			return QV_VALUE;
		case KIPC_T_SHORT:
			{
				int16		v = kipc_get_h(col, k);

				*out = v;
				if (v == KIPC_NULL_SHORT)
					return QV_NULL;
				if (v == KIPC_INF_SHORT)
					return QV_POSINF;
				if (v == KIPC_NINF_SHORT)
					return QV_NEGINF;
				return QV_VALUE;
			}
		case KIPC_T_INT:
		case KIPC_T_MONTH:
		case KIPC_T_DATE:
		case KIPC_T_MINUTE:
		case KIPC_T_SECOND:
		case KIPC_T_TIME:
			{
				int32		v = kipc_get_i(col, k);

				*out = v;
				if (v == KIPC_NULL_INT)
					return QV_NULL;
				if (v == KIPC_INF_INT)
					return QV_POSINF;
				if (v == KIPC_NINF_INT)
					return QV_NEGINF;
				return QV_VALUE;
			}
		case KIPC_T_LONG:
		case KIPC_T_TIMESTAMP:
		case KIPC_T_TIMESPAN:
			{
				int64		v = kipc_get_j(col, k);

				*out = v;
				if (v == KIPC_NULL_LONG)
					return QV_NULL;
				if (v == KIPC_INF_LONG)
					return QV_POSINF;
				if (v == KIPC_NINF_LONG)
					return QV_NEGINF;
				return QV_VALUE;
			}
		default:
			elog(ERROR, "unexpected q type %d for an integer read", col->type);
	}
	return QV_NULL;				/* keep compiler quiet */
}

/* floating item (real, float, datetime) */
static inline QValKind
read_float(const KipcObject *col, int64 k, double *out)
{
	double		v;

	if (col->type == KIPC_T_REAL)
		v = kipc_get_e(col, k);
	else
		v = kipc_get_f(col, k);
	*out = v;
	if (isnan(v))
		return QV_NULL;
	if (isinf(v))
		return v > 0 ? QV_POSINF : QV_NEGINF;
	return QV_VALUE;
}

/* floor division of nanoseconds to microseconds */
static inline int64
ns_to_us(int64 ns)
{
	int64		q = ns / NS_PER_US;

	if (ns % NS_PER_US < 0)
		q--;
	return q;
}

/* ----------------------------------------------------------------
 * Errors
 * ----------------------------------------------------------------
 */

static void
incompatible(QipcColumnConverter *cv, int qtype)
{
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
			 errmsg("column \"%s\" of foreign table \"%s\" cannot hold q type %s",
					cv->colname, cv->relname,
					qtype == KIPC_T_LIST ? "general list" : kipc_type_name(qtype)),
			 errdetail("The column is declared as %s.",
					   format_type_with_typemod(cv->typid, cv->typmod))));
}

static void
infinity_error(QipcColumnConverter *cv, QValKind kind)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("q %s cannot be represented as type %s",
					kind == QV_POSINF ? "infinity" : "negative infinity",
					format_type_be(cv->typid)),
			 errdetail("Column \"%s\" of foreign table \"%s\" received a q infinity (0W or -0W), and type %s has no infinity.",
					   cv->colname, cv->relname, format_type_be(cv->typid))));
}

static void
out_of_range(QipcColumnConverter *cv, const char *what)
{
	ereport(ERROR,
			(errcode(strcmp(what, "numeric") == 0 ?
					 ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE :
					 ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("q value out of range for type %s",
					format_type_be(cv->typid)),
			 errdetail("Column \"%s\" of foreign table \"%s\" received a value that type %s cannot represent.",
					   cv->colname, cv->relname, format_type_be(cv->typid))));
}

/* ----------------------------------------------------------------
 * Integer and float converters
 * ----------------------------------------------------------------
 */

static Datum
conv_bool(QipcColumnConverter *cv, const KipcObject *col, int64 k, bool *isnull)
{
	*isnull = false;
	return BoolGetDatum(kipc_get_g(col, k) != 0);
}

static Datum
conv_byte_int2(QipcColumnConverter *cv, const KipcObject *col, int64 k, bool *isnull)
{
	*isnull = false;
	return Int16GetDatum((int16) kipc_get_g(col, k));
}

static Datum
conv_short_int2(QipcColumnConverter *cv, const KipcObject *col, int64 k, bool *isnull)
{
	int16		v = kipc_get_h(col, k);

	if (unlikely(v == KIPC_NULL_SHORT || v == KIPC_INF_SHORT || v == KIPC_NINF_SHORT))
	{
		if (v == KIPC_NULL_SHORT)
		{
			*isnull = true;
			return (Datum) 0;
		}
		infinity_error(cv, v == KIPC_INF_SHORT ? QV_POSINF : QV_NEGINF);
	}
	*isnull = false;
	return Int16GetDatum(v);
}

static Datum
conv_int_int4(QipcColumnConverter *cv, const KipcObject *col, int64 k, bool *isnull)
{
	int32		v = kipc_get_i(col, k);

	if (unlikely(v == KIPC_NULL_INT || v == KIPC_INF_INT || v == KIPC_NINF_INT))
	{
		if (v == KIPC_NULL_INT)
		{
			*isnull = true;
			return (Datum) 0;
		}
		infinity_error(cv, v == KIPC_INF_INT ? QV_POSINF : QV_NEGINF);
	}
	*isnull = false;
	return Int32GetDatum(v);
}

static Datum
conv_long_int8(QipcColumnConverter *cv, const KipcObject *col, int64 k, bool *isnull)
{
	int64		v = kipc_get_j(col, k);

	if (unlikely(v == KIPC_NULL_LONG || v == KIPC_INF_LONG || v == KIPC_NINF_LONG))
	{
		if (v == KIPC_NULL_LONG)
		{
			*isnull = true;
			return (Datum) 0;
		}
		infinity_error(cv, v == KIPC_INF_LONG ? QV_POSINF : QV_NEGINF);
	}
	*isnull = false;
	return Int64GetDatum(v);
}

/* any integer-like q column into int2/int4/int8/float4/float8/numeric */
static Datum
conv_integer_generic(QipcColumnConverter *cv, const KipcObject *col, int64 k,
					 bool *isnull)
{
	int64		v;
	QValKind	kind = read_integer(col, k, &v);

	if (kind == QV_NULL)
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = false;
	switch (cv->typid)
	{
		case INT2OID:
			if (kind != QV_VALUE)
				infinity_error(cv, kind);
			if (v < PG_INT16_MIN || v > PG_INT16_MAX)
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("smallint out of range")));
			return Int16GetDatum((int16) v);
		case INT4OID:
			if (kind != QV_VALUE)
				infinity_error(cv, kind);
			if (v < PG_INT32_MIN || v > PG_INT32_MAX)
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("integer out of range")));
			return Int32GetDatum((int32) v);
		case INT8OID:
			if (kind != QV_VALUE)
				infinity_error(cv, kind);
			return Int64GetDatum(v);
		case FLOAT4OID:
			if (kind != QV_VALUE)
				return Float4GetDatum(kind == QV_POSINF ? get_float4_infinity()
									  : -get_float4_infinity());
			return Float4GetDatum((float4) v);
		case FLOAT8OID:
			if (kind != QV_VALUE)
				return Float8GetDatum(kind == QV_POSINF ? get_float8_infinity()
									  : -get_float8_infinity());
			return Float8GetDatum((float8) v);
		case NUMERICOID:
			if (kind != QV_VALUE)
				return DirectFunctionCall1(float8_numeric,
										   Float8GetDatum(kind == QV_POSINF ?
														  get_float8_infinity() :
														  -get_float8_infinity()));
			return NumericGetDatum(int64_to_numeric(v));
		default:
			elog(ERROR, "unexpected target type %u", cv->typid);
	}
	return (Datum) 0;
}

static Datum
conv_real_float4(QipcColumnConverter *cv, const KipcObject *col, int64 k, bool *isnull)
{
	float		v = kipc_get_e(col, k);

	if (isnan(v))
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = false;
	return Float4GetDatum(v);
}

static Datum
conv_float_float8(QipcColumnConverter *cv, const KipcObject *col, int64 k, bool *isnull)
{
	double		v = kipc_get_f(col, k);

	if (isnan(v))
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = false;
	return Float8GetDatum(v);
}

/* real/float into float4/float8/numeric */
static Datum
conv_float_generic(QipcColumnConverter *cv, const KipcObject *col, int64 k,
				   bool *isnull)
{
	double		v;
	QValKind	kind = read_float(col, k, &v);

	if (kind == QV_NULL)
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = false;
	switch (cv->typid)
	{
		case FLOAT4OID:
			if (kind == QV_VALUE && (v > FLT_MAX || v < -FLT_MAX))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("value out of range: overflow")));
			return Float4GetDatum((float4) v);
		case FLOAT8OID:
			return Float8GetDatum(v);
		case NUMERICOID:
			return DirectFunctionCall1(float8_numeric, Float8GetDatum(v));
		default:
			elog(ERROR, "unexpected target type %u", cv->typid);
	}
	return (Datum) 0;
}

/* ----------------------------------------------------------------
 * Text converters
 * ----------------------------------------------------------------
 */

/*
 * make_text
 *		s[0..len) as a value of the converter's text-like type, validated as
 *		the database encoding; applies a varchar/bpchar length limit.
 */
static Datum
make_text(QipcColumnConverter *cv, const char *s, int len)
{
	Datum		d;

	/* a varlena holds at most 1 GB; say so before asking palloc for more */
	if ((Size) len > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("q value of %d bytes in column \"%s\" of foreign table \"%s\" is too long for type %s",
						len, cv->colname ? cv->colname : "?",
						cv->relname ? cv->relname : "?",
						format_type_be(cv->typid)),
				 errdetail("PostgreSQL values are limited to 1 GB.")));

	switch (cv->typid)
	{
		case BYTEAOID:
			{
				/* bytes, no encoding */
				bytea	   *b = (bytea *) palloc(VARHDRSZ + len);

				SET_VARSIZE(b, VARHDRSZ + len);
				memcpy(VARDATA(b), s, len);
				return PointerGetDatum(b);
			}
		case CHAROID:
			/* "char" holds any single byte */
			if (len != 1)
				ereport(ERROR,
						(errcode(ERRCODE_STRING_DATA_RIGHT_TRUNCATION),
						 errmsg("value too long for type \"char\"")));
			return CharGetDatum(s[0]);
		case NAMEOID:
			{
				Name		n;

				(void) pg_verifymbstr(s, len, false);
				if (len >= NAMEDATALEN)
					ereport(ERROR,
							(errcode(ERRCODE_STRING_DATA_RIGHT_TRUNCATION),
							 errmsg("value too long for type name")));
				n = (Name) palloc0(NAMEDATALEN);
				memcpy(NameStr(*n), s, len);
				return NameGetDatum(n);
			}
		default:
			break;
	}

	(void) pg_verifymbstr(s, len, false);
	d = PointerGetDatum(cstring_to_text_with_len(s, len));
	if (cv->coerce_fn != NULL)
		d = FunctionCall3(cv->coerce_fn, d, Int32GetDatum(cv->typmod),
						  BoolGetDatum(false));
	return d;
}

/* char vector column: one char per row; the space char is q's null */
static Datum
conv_char_text(QipcColumnConverter *cv, const KipcObject *col, int64 k, bool *isnull)
{
	char		c = (char) kipc_get_g(col, k);

	if (c == KIPC_NULL_CHAR)
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = false;
	return make_text(cv, &c, 1);
}

static inline uint32
sym_hash(const char *s, int *len)
{
	uint32		h = 2166136261u;
	const unsigned char *p = (const unsigned char *) s;

	while (*p)
	{
		h ^= *p++;
		h *= 16777619u;
	}
	*len = (const char *) p - s;
	return h;
}

/* symbol column without the cache (many distinct values) */
static Datum
conv_symbol_text_nocache(QipcColumnConverter *cv, const KipcObject *col,
						 int64 k, bool *isnull)
{
	const char *s = col->v.syms[k];

	if (s[0] == '\0')
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = false;
	return make_text(cv, s, strlen(s));
}

/*
 * Symbol column: the empty symbol is null; each distinct value is converted
 * once (direct-mapped cache by content, values in cache_cxt).  A column
 * whose values are mostly distinct switches to the uncached converter
 * after SYMCACHE_PROBE lookups, so that the cache never costs more than it
 * saves (and evicted values never accumulate).
 */
#define SYMCACHE_PROBE	4096

static Datum
conv_symbol_text(QipcColumnConverter *cv, const KipcObject *col, int64 k, bool *isnull)
{
	const char *s = col->v.syms[k];
	QipcSymCacheEntry *e;
	uint32		h;
	int			len;
	MemoryContext oldcxt;
	Datum		d;

	if (s[0] == '\0')
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = false;

	h = sym_hash(s, &len);
	e = &cv->symcache[h % SYMCACHE_SIZE];
	if (e->value != (Datum) 0 && e->hash == h && e->len == len &&
		memcmp(e->key, s, len) == 0)
		return e->value;

	/* miss: mostly distinct values? then stop caching */
	if (++cv->sym_misses > SYMCACHE_PROBE / 2 && k >= SYMCACHE_PROBE &&
		cv->sym_misses * 2 > k)
	{
		cv->convert = conv_symbol_text_nocache;
		return make_text(cv, s, len);
	}

	/*
	 * Convert into the cache context.  The evicted value may still be in the
	 * previous row's slot, which is no longer needed once the next row is
	 * being built (the FDW slot contract), so it can be freed.
	 */
	oldcxt = MemoryContextSwitchTo(cv->cache_cxt);
	d = make_text(cv, s, len);
	if (e->value != (Datum) 0 && cv->typid != CHAROID)
		pfree(DatumGetPointer(e->value));
	if (e->key != NULL)
		pfree(e->key);
	e->value = (Datum) 0;
	e->key = pnstrdup(s, len);
	e->len = len;
	e->hash = h;
	e->value = d;
	MemoryContextSwitchTo(oldcxt);
	return d;
}

/*
 * qipc_format_value
 *		See qipc_fdw.h.  kipc_format allocates with malloc: the text is
 *		copied into palloc'd memory and freed before anything that can
 *		raise an error runs, so no path leaks it.
 */
char *
qipc_format_value(const KipcObject *o)
{
	char	   *s = kipc_format(o);
	char	   *copy = NULL;

	if (s != NULL)
	{
		size_t		len = strlen(s);

		copy = MemoryContextAllocExtended(CurrentMemoryContext, len + 1,
										  MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
		if (copy != NULL)
			memcpy(copy, s, len + 1);
		free(s);
	}
	if (copy == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	return copy;
}

/*
 * Any scalar q column as text in q's display form (kipc_format): the
 * fallback used for columns IMPORT could not map.
 */
static Datum
conv_format_text(QipcColumnConverter *cv, const KipcObject *col, int64 k, bool *isnull)
{
	KipcObject	atom;
	char	   *s;
	Datum		d;
	int			size = kipc_type_size(col->type);

	if (kipc_is_null(col, k))
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = false;

	memset(&atom, 0, sizeof(atom));
	atom.type = -col->type;
	if (col->type == KIPC_T_SYMBOL)
		atom.a.s = col->v.syms[k];
	else
		memcpy(&atom.a, (const char *) col->v.items + k * size, size);

	s = qipc_format_value(&atom);
	d = make_text(cv, s, strlen(s));
	pfree(s);
	return d;
}

/* ----------------------------------------------------------------
 * GUID
 * ----------------------------------------------------------------
 */

static Datum
conv_guid_uuid(QipcColumnConverter *cv, const KipcObject *col, int64 k, bool *isnull)
{
	const uint8 *g = kipc_get_guid(col, k);
	pg_uuid_t  *u;
	int			i;

	for (i = 0; i < 16; i++)
		if (g[i] != 0)
			break;
	if (i == 16)
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = false;
	u = (pg_uuid_t *) palloc(sizeof(pg_uuid_t));
	memcpy(u->data, g, 16);
	return UUIDPGetDatum(u);
}

/* ----------------------------------------------------------------
 * Temporal converters
 * ----------------------------------------------------------------
 */

/* µs since 2000 into timestamp/timestamptz, with range check */
static inline Datum
pg_timestamp_value(QipcColumnConverter *cv, int64 us)
{
	if (!IS_VALID_TIMESTAMP(us))
		out_of_range(cv, "timestamp");
	return TimestampGetDatum(us);
}

/* days since 2000 at midnight into timestamp, range-checked before the
 * multiplication can overflow */
static inline Datum
pg_timestamp_from_days(QipcColumnConverter *cv, int64 days)
{
	if (days < MIN_TIMESTAMP / USECS_PER_DAY - 1 ||
		days > END_TIMESTAMP / USECS_PER_DAY + 1)
		out_of_range(cv, "timestamp");
	return pg_timestamp_value(cv, days * USECS_PER_DAY);
}

/* days since 2000 into date */
static inline Datum
pg_date_value(QipcColumnConverter *cv, int64 days)
{
	if (days < (int64) (DATETIME_MIN_JULIAN - POSTGRES_EPOCH_JDATE) ||
		days >= (int64) (DATE_END_JULIAN - POSTGRES_EPOCH_JDATE))
		out_of_range(cv, "date");
	return DateADTGetDatum((DateADT) days);
}

/* µs of a time of day into time, which must lie in [0, 24h) */
static inline Datum
pg_time_value(QipcColumnConverter *cv, int64 us)
{
	if (us < 0 || us >= USECS_PER_DAY)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("q time value out of range for type time without time zone"),
				 errdetail("Column \"%s\" of foreign table \"%s\" received a time that is negative or at least 24 hours; declare the column as interval to read it.",
						   cv->colname, cv->relname)));
	return TimeADTGetDatum(us);
}

static inline Datum
pg_interval_value(int64 us)
{
	Interval   *iv = (Interval *) palloc(sizeof(Interval));

	iv->time = us;
	iv->day = 0;
	iv->month = 0;
	return IntervalPGetDatum(iv);
}

/*
 * Timestamp-like target (timestamp, timestamptz, date) reached from a value
 * in µs since 2000 or a kind; handles infinities.
 */
static Datum
temporal_us_to_target(QipcColumnConverter *cv, QValKind kind, int64 us)
{
	switch (cv->typid)
	{
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			if (kind == QV_POSINF)
				return TimestampGetDatum(DT_NOEND);
			if (kind == QV_NEGINF)
				return TimestampGetDatum(DT_NOBEGIN);
			return pg_timestamp_value(cv, us);
		case DATEOID:
			if (kind == QV_POSINF)
				return DateADTGetDatum(DATEVAL_NOEND);
			if (kind == QV_NEGINF)
				return DateADTGetDatum(DATEVAL_NOBEGIN);
			{
				int64		days = us / USECS_PER_DAY;

				if (us % USECS_PER_DAY < 0)
					days--;
				return pg_date_value(cv, days);
			}
		case TIMEOID:
			if (kind != QV_VALUE)
				infinity_error(cv, kind);
			return pg_time_value(cv, us);
		case INTERVALOID:
			if (kind != QV_VALUE)
				infinity_error(cv, kind);
			return pg_interval_value(us);
		default:
			elog(ERROR, "unexpected target type %u", cv->typid);
	}
	return (Datum) 0;
}

/* timestamp (ns since 2000) */
static Datum
conv_timestamp(QipcColumnConverter *cv, const KipcObject *col, int64 k, bool *isnull)
{
	int64		v = kipc_get_j(col, k);

	if (v == KIPC_NULL_LONG)
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = false;
	if (unlikely(v == KIPC_INF_LONG || v == KIPC_NINF_LONG))
		return temporal_us_to_target(cv, v == KIPC_INF_LONG ? QV_POSINF : QV_NEGINF, 0);
	if (likely(cv->typid == TIMESTAMPOID || cv->typid == TIMESTAMPTZOID))
		return TimestampGetDatum(ns_to_us(v));	/* always in range */
	return temporal_us_to_target(cv, QV_VALUE, ns_to_us(v));
}

/* date (days since 2000) */
static Datum
conv_date(QipcColumnConverter *cv, const KipcObject *col, int64 k, bool *isnull)
{
	int32		v = kipc_get_i(col, k);

	if (v == KIPC_NULL_INT)
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = false;
	if (cv->typid == DATEOID)
	{
		if (v == KIPC_INF_INT)
			return DateADTGetDatum(DATEVAL_NOEND);
		if (v == KIPC_NINF_INT)
			return DateADTGetDatum(DATEVAL_NOBEGIN);
		return pg_date_value(cv, v);
	}
	/* timestamp(tz): midnight UTC */
	if (v == KIPC_INF_INT || v == KIPC_NINF_INT)
		return temporal_us_to_target(cv, v == KIPC_INF_INT ? QV_POSINF : QV_NEGINF, 0);
	return pg_timestamp_from_days(cv, v);
}

/* month (months since 2000.01) -> first day of the month */
static Datum
conv_month(QipcColumnConverter *cv, const KipcObject *col, int64 k, bool *isnull)
{
	int32		v = kipc_get_i(col, k);
	int64		year;
	int			mon;
	int64		days;

	if (v == KIPC_NULL_INT)
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = false;
	if (v == KIPC_INF_INT || v == KIPC_NINF_INT)
		return temporal_us_to_target(cv, v == KIPC_INF_INT ? QV_POSINF : QV_NEGINF, 0);

	year = 2000 + (v >= 0 ? v / 12 : -((-(int64) v + 11) / 12));
	mon = (int) ((int64) v - (year - 2000) * 12) + 1;
	if (year < -4713 || year > 5874897)
		out_of_range(cv, "date");
	if (!IS_VALID_JULIAN(year, mon, 1))
		out_of_range(cv, "date");
	days = date2j((int) year, mon, 1) - POSTGRES_EPOCH_JDATE;
	if (cv->typid == DATEOID)
		return pg_date_value(cv, days);
	return pg_timestamp_from_days(cv, days);
}

/* datetime (float days since 2000) -> timestamp, rounded to the µs */
static Datum
conv_datetime(QipcColumnConverter *cv, const KipcObject *col, int64 k, bool *isnull)
{
	double		v;
	QValKind	kind = read_float(col, k, &v);
	double		us;

	if (kind == QV_NULL)
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = false;
	if (kind != QV_VALUE)
		return temporal_us_to_target(cv, kind, 0);
	us = rint(v * (double) USECS_PER_DAY);
	if (!(us > -9.2e18 && us < 9.2e18))
		out_of_range(cv, "timestamp");
	return temporal_us_to_target(cv, QV_VALUE, (int64) us);
}

/* timespan (ns), minute, second, time (ms) -> time or interval */
static Datum
conv_time_of_day(QipcColumnConverter *cv, const KipcObject *col, int64 k, bool *isnull)
{
	int64		v;
	QValKind	kind = read_integer(col, k, &v);
	int64		us;

	if (kind == QV_NULL)
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = false;
	if (kind != QV_VALUE)
		infinity_error(cv, kind);
	switch (col->type)
	{
		case KIPC_T_TIMESPAN:
			us = ns_to_us(v);
			break;
		case KIPC_T_MINUTE:
			us = v * USECS_PER_MINUTE;
			break;
		case KIPC_T_SECOND:
			us = v * USECS_PER_SEC;
			break;
		default:				/* KIPC_T_TIME: milliseconds */
			us = v * INT64CONST(1000);
			break;
	}
	if (cv->typid == TIMEOID)
		return pg_time_value(cv, us);
	return pg_interval_value(us);
}

/* ----------------------------------------------------------------
 * General-list columns: strings, byte lists, nested vectors, mixed
 * ----------------------------------------------------------------
 */

/*
 * convert_atom
 *		Convert one q atom with the converter's target type, by viewing it as
 *		a one-item vector (atom values sit at the start of the value union).
 */
static Datum
convert_atom(QipcColumnConverter *cv, const KipcObject *atom, bool *isnull)
{
	KipcObject	vec;
	QipcConvertFunc fn;
	const char *sym;

	if (atom->type >= 0 || atom->type < -KIPC_T_TIME)
		incompatible(cv, atom->type);

	memset(&vec, 0, sizeof(vec));
	vec.type = -atom->type;
	vec.n = 1;
	if (vec.type == KIPC_T_SYMBOL)
	{
		sym = atom->a.s;
		vec.v.syms = &sym;
	}
	else
		vec.v.items = (void *) &atom->a;

	fn = choose_converter(cv, vec.type);
	if (fn == NULL)
		incompatible(cv, vec.type);
	if (fn == conv_symbol_text)
		fn = conv_symbol_text_nocache;	/* no caching for stray atoms */
	return fn(cv, &vec, 0, isnull);
}

/* general list of strings (char vectors) into text/varchar/bpchar/bytea */
static Datum
conv_list_text(QipcColumnConverter *cv, const KipcObject *col, int64 k, bool *isnull)
{
	const KipcObject *item = col->v.objs[k];

	if (item->type == KIPC_T_CHAR ||
		(item->type == KIPC_T_BYTE && cv->typid == BYTEAOID))
	{
		*isnull = false;
		return make_text(cv, (const char *) item->v.items, (int) item->n);
	}
	if (item->type == -KIPC_T_CHAR)
	{
		/* a one-char string in q is a char atom: not null here */
		char		c = (char) item->a.g;

		*isnull = false;
		return make_text(cv, &c, 1);
	}
	if (item->type == -KIPC_T_BYTE && cv->typid == BYTEAOID)
	{
		char		c = (char) item->a.g;

		*isnull = false;
		return make_text(cv, &c, 1);
	}
	if (item->type == KIPC_T_LIST && item->n == 0)
	{
		/* () in a string column: the empty string */
		*isnull = false;
		return make_text(cv, "", 0);
	}
	if (item->type < 0)
		return convert_atom(cv, item, isnull);
	incompatible(cv, item->type);
}

/* general list of typed vectors into a PostgreSQL array */
static Datum
conv_list_array(QipcColumnConverter *cv, const KipcObject *col, int64 k, bool *isnull)
{
	const KipcObject *item = col->v.objs[k];
	QipcColumnConverter *ecv = cv->elemcv;
	int64		n;
	int64		i;
	Datum	   *values;
	bool	   *nulls;
	int			dims[1];
	int			lbs[1];
	KipcObject	one;
	const char *sym;

	*isnull = false;
	if (item->type == KIPC_T_LIST && item->n == 0)
		return PointerGetDatum(construct_empty_array(cv->elemtype));

	if (item->type < 0)
	{
		/* an atom: a one-element array */
		if (item->type < -KIPC_T_TIME)
			incompatible(cv, item->type);
		memset(&one, 0, sizeof(one));
		one.type = -item->type;
		one.n = 1;
		if (one.type == KIPC_T_SYMBOL)
		{
			sym = item->a.s;
			one.v.syms = &sym;
		}
		else
			one.v.items = (void *) &item->a;
		item = &one;
	}
	else if (item->type < 1 || item->type > KIPC_T_TIME)
		incompatible(cv, item->type);

	if (ecv->qtype != item->type || ecv->convert == NULL)
	{
		ecv->convert = choose_converter(ecv, item->type);
		if (ecv->convert == NULL)
			incompatible(cv, item->type);
		ecv->qtype = item->type;
	}

	n = item->n;
	if (n > MaxArraySize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("array size exceeds the maximum allowed (%d)",
						(int) MaxArraySize)));
	values = (Datum *) palloc(sizeof(Datum) * Max(n, 1));
	nulls = (bool *) palloc(sizeof(bool) * Max(n, 1));
	for (i = 0; i < n; i++)
		values[i] = ecv->convert(ecv, item, i, &nulls[i]);
	dims[0] = (int) n;
	lbs[0] = 1;
	return PointerGetDatum(construct_md_array(values, nulls, 1, dims, lbs,
											  cv->elemtype, cv->elmlen,
											  cv->elmbyval, cv->elmalign));
}

/* general list of atoms (a mixed column): convert item by item */
static Datum
conv_list_mixed(QipcColumnConverter *cv, const KipcObject *col, int64 k, bool *isnull)
{
	const KipcObject *item = col->v.objs[k];

	if (item->type < 0)
		return convert_atom(cv, item, isnull);
	if (item->type == KIPC_T_CHAR && (cv->typid == TEXTOID ||
									  cv->typid == VARCHAROID ||
									  cv->typid == BPCHAROID))
		return conv_list_text(cv, col, k, isnull);
	incompatible(cv, item->type);
}

/* ----------------------------------------------------------------
 * Choosing a converter
 * ----------------------------------------------------------------
 */

static bool
is_text_type(Oid typid)
{
	return typid == TEXTOID || typid == VARCHAROID || typid == BPCHAROID ||
		typid == NAMEOID;
}

/*
 * choose_converter
 *		The converter from q vector type qtype (1..19) to cv->typid, or NULL
 *		if the declared type cannot hold it.
 */
static QipcConvertFunc
choose_converter(QipcColumnConverter *cv, int qtype)
{
	Oid			t = cv->typid;

	switch (qtype)
	{
		case KIPC_T_BOOLEAN:
			if (t == BOOLOID)
				return conv_bool;
			if (t == INT2OID || t == INT4OID || t == INT8OID)
				return conv_integer_generic;
			break;
		case KIPC_T_GUID:
			if (t == UUIDOID)
				return conv_guid_uuid;
			break;
		case KIPC_T_BYTE:
			if (t == INT2OID)
				return conv_byte_int2;
			if (t == INT4OID || t == INT8OID || t == NUMERICOID ||
				t == FLOAT4OID || t == FLOAT8OID)
				return conv_integer_generic;
			break;
		case KIPC_T_SHORT:
			if (t == INT2OID)
				return conv_short_int2;
			if (t == INT4OID || t == INT8OID || t == NUMERICOID ||
				t == FLOAT4OID || t == FLOAT8OID)
				return conv_integer_generic;
			break;
		case KIPC_T_INT:
			if (t == INT4OID)
				return conv_int_int4;
			if (t == INT2OID || t == INT8OID || t == NUMERICOID ||
				t == FLOAT4OID || t == FLOAT8OID)
				return conv_integer_generic;
			break;
		case KIPC_T_LONG:
			if (t == INT8OID)
				return conv_long_int8;
			if (t == INT2OID || t == INT4OID || t == NUMERICOID ||
				t == FLOAT4OID || t == FLOAT8OID)
				return conv_integer_generic;
			break;
		case KIPC_T_REAL:
			if (t == FLOAT4OID)
				return conv_real_float4;
			if (t == FLOAT8OID || t == NUMERICOID)
				return conv_float_generic;
			break;
		case KIPC_T_FLOAT:
			if (t == FLOAT8OID)
				return conv_float_float8;
			if (t == FLOAT4OID || t == NUMERICOID)
				return conv_float_generic;
			break;
		case KIPC_T_CHAR:
			if (is_text_type(t) || t == CHAROID)
				return conv_char_text;
			break;
		case KIPC_T_SYMBOL:
			if (is_text_type(t))
				return cv->symcache ? conv_symbol_text : conv_symbol_text_nocache;
			break;
		case KIPC_T_TIMESTAMP:
			if (t == TIMESTAMPOID || t == TIMESTAMPTZOID || t == DATEOID)
				return conv_timestamp;
			break;
		case KIPC_T_MONTH:
			if (t == DATEOID || t == TIMESTAMPOID || t == TIMESTAMPTZOID)
				return conv_month;
			break;
		case KIPC_T_DATE:
			if (t == DATEOID || t == TIMESTAMPOID || t == TIMESTAMPTZOID)
				return conv_date;
			break;
		case KIPC_T_DATETIME:
			if (t == TIMESTAMPOID || t == TIMESTAMPTZOID || t == DATEOID)
				return conv_datetime;
			break;
		case KIPC_T_TIMESPAN:
		case KIPC_T_MINUTE:
		case KIPC_T_SECOND:
		case KIPC_T_TIME:
			if (t == TIMEOID || t == INTERVALOID)
				return conv_time_of_day;
			break;
		default:
			break;
	}

	/* any other scalar into text: q display form */
	if (t == TEXTOID && qtype >= 1 && qtype <= KIPC_T_TIME)
		return conv_format_text;
	return NULL;
}

/*
 * qipc_init_converter
 *		See qipc_fdw.h.
 */
void
qipc_init_converter(QipcColumnConverter *cv, Oid typid, int32 typmod,
					const KipcObject *col, const char *colname,
					const char *relname, MemoryContext cache_cxt)
{
	Oid			elemtype;

	memset(cv, 0, sizeof(*cv));
	cv->typid = typid;
	cv->typmod = typmod;
	cv->qtype = col->type;
	cv->colname = colname;
	cv->relname = relname;
	cv->cache_cxt = cache_cxt;

	/* length-limited character types coerce through their length function */
	if ((typid == VARCHAROID || typid == BPCHAROID) && typmod >= 0)
	{
		cv->coerce_fn = MemoryContextAllocZero(cache_cxt, sizeof(FmgrInfo));
		fmgr_info_cxt(typid == VARCHAROID ? F_VARCHAR_VARCHAR_INT4_BOOL
					  : F_BPCHAR_BPCHAR_INT4_BOOL,
					  cv->coerce_fn, cache_cxt);
	}

	if (col->type >= 1 && col->type <= KIPC_T_TIME)
	{
		if (col->type == KIPC_T_SYMBOL)
			cv->symcache = MemoryContextAllocZero(cache_cxt,
												  sizeof(QipcSymCacheEntry) * SYMCACHE_SIZE);
		cv->convert = choose_converter(cv, col->type);
		if (cv->convert == NULL)
			incompatible(cv, col->type);
		return;
	}

	if (col->type != KIPC_T_LIST)
		incompatible(cv, col->type);

	/* a general list: strings, byte lists, nested vectors, or atoms */
	elemtype = get_element_type(typid);
	if (OidIsValid(elemtype))
	{
		QipcColumnConverter *ecv;

		cv->elemtype = elemtype;
		get_typlenbyvalalign(elemtype, &cv->elmlen, &cv->elmbyval,
							 &cv->elmalign);
		ecv = MemoryContextAllocZero(cache_cxt, sizeof(QipcColumnConverter));
		ecv->typid = elemtype;
		ecv->typmod = -1;
		ecv->colname = colname;
		ecv->relname = relname;
		ecv->cache_cxt = cache_cxt;
		ecv->qtype = -1;		/* chosen at the first item */
		/* no symbol cache: it could free a value of the array being built */
		cv->elemcv = ecv;
		cv->convert = conv_list_array;
		return;
	}
	if (typid == TEXTOID || typid == VARCHAROID || typid == BPCHAROID ||
		typid == BYTEAOID)
	{
		cv->convert = conv_list_text;
		return;
	}
	if (col->n > 0)
	{
		/* a mixed list of atoms: check the first item now */
		const KipcObject *first = col->v.objs[0];

		if (first->type >= 0 || choose_converter(cv, -first->type) == NULL)
			incompatible(cv, first->type >= 0 ? first->type : -first->type);
	}
	cv->convert = conv_list_mixed;
}

/* ----------------------------------------------------------------
 * PostgreSQL values -> q (request arguments)
 * ----------------------------------------------------------------
 */

/* the natural q atom type of a PostgreSQL scalar type, 0 if none */
static int
natural_qtype(Oid typid)
{
	switch (typid)
	{
		case BOOLOID:
			return -KIPC_T_BOOLEAN;
		case INT2OID:
			return -KIPC_T_SHORT;
		case INT4OID:
			return -KIPC_T_INT;
		case INT8OID:
			return -KIPC_T_LONG;
		case FLOAT4OID:
			return -KIPC_T_REAL;
		case FLOAT8OID:
		case NUMERICOID:
			return -KIPC_T_FLOAT;
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			return KIPC_T_CHAR; /* a string: char vector */
		case NAMEOID:
			return -KIPC_T_SYMBOL;
		case CHAROID:
			return -KIPC_T_CHAR;
		case DATEOID:
			return -KIPC_T_DATE;
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			return -KIPC_T_TIMESTAMP;
		case TIMEOID:
		case INTERVALOID:
			return -KIPC_T_TIMESPAN;
		case UUIDOID:
			return -KIPC_T_GUID;
		case BYTEAOID:
			return KIPC_T_BYTE; /* byte vector */
		default:
			return 0;
	}
}

pg_noreturn static void arg_out_of_range(Oid typid, int qtype);

static void
arg_out_of_range(Oid typid, int qtype)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("value of type %s does not fit q type %s exactly",
					format_type_be(typid), kipc_type_name(qtype < 0 ? -qtype : qtype))));
}

/* make a q integer-like atom of type qtype from v (or its null/inf) */
static KipcObject *
make_int_atom(int qtype, int64 v, QValKind kind, Oid typid)
{
	KipcObject *o = kipc_new_atom(qtype);

	if (o == NULL)
		return NULL;
	switch (-qtype)
	{
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
			if (kind == QV_NULL)
				o->a.g = 0;
			else if (kind != QV_VALUE || v < 0 || v > (qtype == -KIPC_T_BOOLEAN ? 1 : 255))
			{
				kipc_unref(o);
				arg_out_of_range(typid, qtype);
			}
			else
				o->a.g = (uint8) v;
			break;
		case KIPC_T_SHORT:
			if (kind == QV_NULL)
				o->a.h = KIPC_NULL_SHORT;
			else if (kind == QV_POSINF)
				o->a.h = KIPC_INF_SHORT;
			else if (kind == QV_NEGINF)
				o->a.h = KIPC_NINF_SHORT;
			else if (v <= KIPC_NINF_SHORT || v >= KIPC_INF_SHORT)
			{
				kipc_unref(o);
				arg_out_of_range(typid, qtype);
			}
			else
				o->a.h = (int16) v;
			break;
		case KIPC_T_INT:
		case KIPC_T_MONTH:
		case KIPC_T_DATE:
		case KIPC_T_MINUTE:
		case KIPC_T_SECOND:
		case KIPC_T_TIME:
			if (kind == QV_NULL)
				o->a.i = KIPC_NULL_INT;
			else if (kind == QV_POSINF)
				o->a.i = KIPC_INF_INT;
			else if (kind == QV_NEGINF)
				o->a.i = KIPC_NINF_INT;
			else if (v <= KIPC_NINF_INT || v >= KIPC_INF_INT)
			{
				kipc_unref(o);
				arg_out_of_range(typid, qtype);
			}
			else
				o->a.i = (int32) v;
			break;
		default:				/* long, timestamp, timespan */
			if (kind == QV_NULL)
				o->a.j = KIPC_NULL_LONG;
			else if (kind == QV_POSINF)
				o->a.j = KIPC_INF_LONG;
			else if (kind == QV_NEGINF)
				o->a.j = KIPC_NINF_LONG;
			else if (v <= KIPC_NINF_LONG || v >= KIPC_INF_LONG)
			{
				kipc_unref(o);
				arg_out_of_range(typid, qtype);
			}
			else
				o->a.j = v;
			break;
	}
	return o;
}

/* multiply with overflow check (for unit conversions of arguments) */
static int64
scale_exact(int64 v, int64 factor, Oid typid, int qtype)
{
	int64		r;

	if (pg_mul_s64_overflow(v, factor, &r))
		arg_out_of_range(typid, qtype);
	return r;
}

/* divide, requiring no remainder */
static int64
divide_exact(int64 v, int64 divisor, Oid typid, int qtype)
{
	if (v % divisor != 0)
		arg_out_of_range(typid, qtype);
	return v / divisor;
}

/*
 * scalar_to_kipc
 *		One non-array value (or NULL) as a heap q object of type qtype (atom
 *		type, or KIPC_T_CHAR / KIPC_T_BYTE for strings and byte vectors).
 *		Returns NULL only on allocation failure.
 */
static KipcObject *
scalar_to_kipc(Datum value, bool isnull, Oid typid, int qtype)
{
	int64		iv = 0;
	double		fv = 0;
	QValKind	kind = isnull ? QV_NULL : QV_VALUE;

	/* strings and byte vectors */
	if (qtype == KIPC_T_CHAR || qtype == KIPC_T_BYTE || qtype == -KIPC_T_SYMBOL ||
		qtype == -KIPC_T_CHAR)
	{
		const char *s = "";
		int			len = 0;
		char	   *tmp = NULL;
		KipcObject *o;

		if (!isnull)
		{
			switch (typid)
			{
				case TEXTOID:
				case VARCHAROID:
				case BPCHAROID:
				case BYTEAOID:
					{
						struct varlena *t = PG_DETOAST_DATUM_PACKED(value);

						s = VARDATA_ANY(t);
						len = VARSIZE_ANY_EXHDR(t);
						break;
					}
				case NAMEOID:
					s = NameStr(*DatumGetName(value));
					len = strlen(s);
					break;
				case CHAROID:
					tmp = palloc(1);
					tmp[0] = DatumGetChar(value);
					s = tmp;
					len = 1;
					break;
				default:
					ereport(ERROR,
							(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
							 errmsg("cannot send a value of type %s as q type %s",
									format_type_be(typid),
									kipc_type_name(qtype < 0 ? -qtype : qtype))));
			}
		}
		if (qtype == -KIPC_T_SYMBOL)
		{
			if (memchr(s, '\0', len) != NULL)
				ereport(ERROR,
						(errcode(ERRCODE_UNTRANSLATABLE_CHARACTER),
						 errmsg("a q symbol cannot contain a zero byte")));
			return kipc_new_symbol_len(s, len);
		}
		if (qtype == -KIPC_T_CHAR)
		{
			if (len > 1)
				arg_out_of_range(typid, qtype);
			return kipc_new_char(len == 1 ? s[0] : KIPC_NULL_CHAR);
		}
		o = kipc_new_vector(qtype, len);
		if (o != NULL && len > 0)
			memcpy(o->v.items, s, len);
		return o;
	}

	/* read the value generically */
	if (!isnull)
	{
		switch (typid)
		{
			case BOOLOID:
				iv = DatumGetBool(value) ? 1 : 0;
				break;
			case INT2OID:
				iv = DatumGetInt16(value);
				break;
			case INT4OID:
				iv = DatumGetInt32(value);
				break;
			case INT8OID:
				iv = DatumGetInt64(value);
				break;
			case FLOAT4OID:
				fv = DatumGetFloat4(value);
				break;
			case FLOAT8OID:
				fv = DatumGetFloat8(value);
				break;
			case NUMERICOID:
				fv = DatumGetFloat8(DirectFunctionCall1(numeric_float8,
														value));
				break;
			case DATEOID:
				{
					DateADT		d = DatumGetDateADT(value);

					if (DATE_IS_NOEND(d))
						kind = QV_POSINF;
					else if (DATE_IS_NOBEGIN(d))
						kind = QV_NEGINF;
					iv = d;
					break;
				}
			case TIMESTAMPOID:
			case TIMESTAMPTZOID:
				{
					Timestamp	ts = DatumGetTimestamp(value);

					if (TIMESTAMP_IS_NOEND(ts))
						kind = QV_POSINF;
					else if (TIMESTAMP_IS_NOBEGIN(ts))
						kind = QV_NEGINF;
					iv = ts;
					break;
				}
			case TIMEOID:
				iv = DatumGetTimeADT(value);
				break;
			case INTERVALOID:
				{
					Interval   *i = DatumGetIntervalP(value);

					if (i->month != 0)
						ereport(ERROR,
								(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
								 errmsg("cannot send an interval with months or years to q"),
								 errdetail("A q timespan has no months."),
								 errhint("Express the interval in days.")));
					iv = i->time;
					if (pg_add_s64_overflow(iv,
											scale_exact(i->day, USECS_PER_DAY, typid, qtype),
											&iv))
						arg_out_of_range(typid, qtype);
					break;
				}
			case UUIDOID:
				break;
			default:
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
						 errmsg("cannot send a value of type %s to q",
								format_type_be(typid))));
		}
	}

	switch (-qtype)
	{
		case KIPC_T_GUID:
			{
				uint8		g[16];

				if (typid != UUIDOID)
					break;
				memset(g, 0, 16);
				if (!isnull)
					memcpy(g, DatumGetUUIDP(value)->data, 16);
				return kipc_new_guid(g);
			}
		case KIPC_T_REAL:
		case KIPC_T_FLOAT:
		case KIPC_T_DATETIME:
			{
				double		d;

				if (isnull)
					d = NAN;
				else if (typid == FLOAT4OID || typid == FLOAT8OID ||
						 typid == NUMERICOID)
					d = fv;
				else if (typid == INT2OID || typid == INT4OID ||
						 typid == INT8OID || typid == BOOLOID)
					d = (double) iv;
				else
					break;
				if (-qtype == KIPC_T_REAL)
				{
					if (!isnan(d) && !isinf(d) && (float) d != d)
						arg_out_of_range(typid, qtype);
					return kipc_new_real((float) d);
				}
				if (-qtype == KIPC_T_DATETIME)
					return kipc_new_datetime(d);
				return kipc_new_float(d);
			}
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
		case KIPC_T_SHORT:
		case KIPC_T_INT:
		case KIPC_T_LONG:
			if (typid == FLOAT4OID || typid == FLOAT8OID || typid == NUMERICOID)
			{
				if (!isnull)
				{
					if (isinf(fv))
						kind = fv > 0 ? QV_POSINF : QV_NEGINF;
					else if (isnan(fv) || fv != rint(fv) ||
							 fv < -9.2e18 || fv > 9.2e18)
						arg_out_of_range(typid, qtype);
					else
						iv = (int64) fv;
				}
			}
			else if (typid != BOOLOID && typid != INT2OID &&
					 typid != INT4OID && typid != INT8OID)
				break;
			return make_int_atom(qtype, iv, kind, typid);
		case KIPC_T_DATE:
			if (typid == DATEOID)
				return make_int_atom(qtype, iv, kind, typid);
			if (typid == TIMESTAMPOID || typid == TIMESTAMPTZOID)
				return make_int_atom(qtype,
									 kind == QV_VALUE ? divide_exact(iv, USECS_PER_DAY, typid, qtype) : 0,
									 kind, typid);
			break;
		case KIPC_T_MONTH:
			if (typid == DATEOID && kind == QV_VALUE)
			{
				int			y,
							m,
							d;

				j2date(iv + POSTGRES_EPOCH_JDATE, &y, &m, &d);
				if (d != 1)
					arg_out_of_range(typid, qtype);
				return make_int_atom(qtype, (int64) (y - 2000) * 12 + (m - 1),
									 kind, typid);
			}
			if (typid == DATEOID)
				return make_int_atom(qtype, 0, kind, typid);
			break;
		case KIPC_T_TIMESTAMP:
			if (typid == TIMESTAMPOID || typid == TIMESTAMPTZOID)
				return make_int_atom(qtype,
									 kind == QV_VALUE ? scale_exact(iv, NS_PER_US, typid, qtype) : 0,
									 kind, typid);
			if (typid == DATEOID)
				return make_int_atom(qtype,
									 kind == QV_VALUE ? scale_exact(iv, USECS_PER_DAY * NS_PER_US, typid, qtype) : 0,
									 kind, typid);
			break;
		case KIPC_T_TIMESPAN:
			if (typid == TIMEOID || typid == INTERVALOID)
				return make_int_atom(qtype,
									 kind == QV_VALUE ? scale_exact(iv, NS_PER_US, typid, qtype) : 0,
									 kind, typid);
			break;
		case KIPC_T_TIME:
			if (typid == TIMEOID || typid == INTERVALOID)
				return make_int_atom(qtype,
									 kind == QV_VALUE ? divide_exact(iv, 1000, typid, qtype) : 0,
									 kind, typid);
			break;
		case KIPC_T_SECOND:
			if (typid == TIMEOID || typid == INTERVALOID)
				return make_int_atom(qtype,
									 kind == QV_VALUE ? divide_exact(iv, USECS_PER_SEC, typid, qtype) : 0,
									 kind, typid);
			break;
		case KIPC_T_MINUTE:
			if (typid == TIMEOID || typid == INTERVALOID)
				return make_int_atom(qtype,
									 kind == QV_VALUE ? divide_exact(iv, USECS_PER_MINUTE, typid, qtype) : 0,
									 kind, typid);
			break;
		default:
			break;
	}

	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
			 errmsg("cannot send a value of type %s as q type %s",
					format_type_be(typid),
					qtype ? kipc_type_name(qtype < 0 ? -qtype : qtype) : "?")));
	return NULL;				/* keep compiler quiet */
}

/*
 * fill_array
 *		Fill o, the q object of level "level" of an array of ndim dimensions
 *		(dims), from the arrays *elems and *nulls (row-major), advancing
 *		them.  The last
 *		level is a vector of q type vtype (a general list of strings for
 *		KIPC_T_LIST); every level above it is a general list of the next,
 *		so ARRAY[[1,2],[3,4]] becomes (1 2;3 4), the shape of a q matrix.
 */
static void
fill_array(KipcObject *o, int level, int ndim, const int *dims,
		   Datum **elems, bool **nulls, Oid elemtype, int qtype, int vtype)
{
	int64		n = o->n;
	int64		i;

	if (level < ndim - 1)
	{
		for (i = 0; i < n; i++)
		{
			int			sub = dims[level + 1];
			KipcObject *child;

			child = (level + 1 < ndim - 1 || vtype == KIPC_T_LIST) ?
				kipc_new_list(sub) : kipc_new_vector(vtype, sub);
			if (child == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_OUT_OF_MEMORY),
						 errmsg("out of memory")));
			o->v.objs[i] = child;
			fill_array(child, level + 1, ndim, dims, elems, nulls, elemtype,
					   qtype, vtype);
		}
		return;
	}

	for (i = 0; i < n; i++)
	{
		KipcObject *atom = scalar_to_kipc((*elems)[i], (*nulls)[i], elemtype,
										  qtype);

		if (atom == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_OUT_OF_MEMORY),
					 errmsg("out of memory")));
		if (vtype == KIPC_T_LIST)
			o->v.objs[i] = atom;
		else if (vtype == KIPC_T_SYMBOL)
		{
			KipcStatus	st = kipc_set_symbol(o, i, atom->a.s);

			kipc_unref(atom);
			if (st != KIPC_OK)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_OUT_OF_MEMORY),
						 errmsg("out of memory")));
		}
		else
		{
			int			size = kipc_type_size(vtype);

			memcpy((char *) o->v.items + (size_t) i * size, &atom->a, size);
			kipc_unref(atom);
		}
	}
	if (n > 0)
	{
		*elems += n;
		*nulls += n;
	}
}

/*
 * qipc_datum_to_kipc
 *		See qipc_fdw.h.
 */
KipcObject *
qipc_datum_to_kipc(Datum value, bool isnull, Oid typid, int qtype)
{
	Oid			elemtype = get_element_type(typid);

	if (OidIsValid(elemtype) && typid != NAMEOID)
	{
		/* an array: a vector of the element's q type (nested lists) */
		ArrayType  *arr;
		Datum	   *elems = NULL;
		bool	   *nulls = NULL;
		int			nelems = 0;
		int16		elmlen;
		bool		elmbyval;
		char		elmalign;
		int			ndim = 1;
		int			dims1 = 0;
		int		   *dims = &dims1;
		int			vtype;
		KipcObject *result;

		if (qtype == 0)
			qtype = natural_qtype(elemtype);
		if (qtype == 0)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("cannot send a value of type %s to q",
							format_type_be(typid))));
		vtype = qtype < 0 ? -qtype : KIPC_T_LIST;	/* strings: general list */

		if (!isnull)
		{
			arr = DatumGetArrayTypeP(value);
			get_typlenbyvalalign(elemtype, &elmlen, &elmbyval, &elmalign);
			deconstruct_array(arr, elemtype, elmlen, elmbyval, elmalign,
							  &elems, &nulls, &nelems);
			if (ARR_NDIM(arr) > 1)
			{
				ndim = ARR_NDIM(arr);
				dims = ARR_DIMS(arr);
			}
			else
				dims1 = nelems;
		}

		/*
		 * The top object is tracked first; every nested object is attached
		 * to its parent as soon as it exists, so an error anywhere frees
		 * them all.
		 */
		result = qipc_track_object(ndim > 1 ? kipc_new_list(dims[0]) :
								   vtype == KIPC_T_LIST ? kipc_new_list(nelems) :
								   kipc_new_vector(vtype, nelems));
		fill_array(result, 0, ndim, dims, &elems, &nulls, elemtype, qtype,
				   vtype);
		return result;
	}

	if (qtype == 0)
		qtype = natural_qtype(typid);
	if (qtype == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("cannot send a value of type %s to q",
						format_type_be(typid))));
	return qipc_track_object(scalar_to_kipc(value, isnull, typid, qtype));
}

/*
 * qipc_pg_type_for_qchar
 *		See qipc_fdw.h.  Lower case: the atom type's mapping; upper case: a
 *		column of vectors, mapped to an array (strings "C" to text, byte
 *		lists "X" to bytea).  NULL for types without a mapping (the caller
 *		imports them as text with a NOTICE).
 */
const char *
qipc_pg_type_for_qchar(char qchar)
{
	switch (qchar)
	{
		case 'b':
			return "boolean";
		case 'g':
			return "uuid";
		case 'x':
			return "smallint";
		case 'h':
			return "smallint";
		case 'i':
			return "integer";
		case 'j':
			return "bigint";
		case 'e':
			return "real";
		case 'f':
			return "double precision";
		case 'c':
			return "text";
		case 's':
			return "text";
		case 'p':
			return "timestamp";
		case 'm':
			return "date";
		case 'd':
			return "date";
		case 'z':
			return "timestamp";
		case 'n':
			return "interval";
		case 'u':
		case 'v':
		case 't':
			return "time";
		case 'C':
			return "text";
		case 'X':
			return "bytea";
		case 'B':
			return "boolean[]";
		case 'G':
			return "uuid[]";
		case 'H':
			return "smallint[]";
		case 'I':
			return "integer[]";
		case 'J':
			return "bigint[]";
		case 'E':
			return "real[]";
		case 'F':
			return "double precision[]";
		case 'S':
			return "text[]";
		case 'P':
			return "timestamp[]";
		case 'M':
		case 'D':
			return "date[]";
		case 'Z':
			return "timestamp[]";
		case 'N':
			return "interval[]";
		case 'U':
		case 'V':
		case 'T':
			return "time[]";
		default:
			return NULL;
	}
}

/* ----------------------------------------------------------------
 * Scan arguments (executor): the typed q values of pushed conditions
 * ----------------------------------------------------------------
 */

/*
 * qipc_like_pattern
 *		Translate a SQL LIKE pattern (escape character backslash) into a q
 *		like pattern; exact: every character literal (for equality on
 *		string columns).  q's like has no escape character: literal * ? [ ]
 *		are written as one-character classes [*] [?] [[] []].
 */
char *
qipc_like_pattern(const char *pat, int len, bool exact)
{
	StringInfoData buf;
	int			i;
	bool		last_star = false;	/* the last output is a wildcard * */

	initStringInfo(&buf);
	for (i = 0; i < len; i++)
	{
		char		ch = pat[i];

		if (!exact)
		{
			if (ch == '\\')
			{
				if (i + 1 >= len)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_ESCAPE_SEQUENCE),
							 errmsg("LIKE pattern must not end with escape character")));
				ch = pat[++i];
			}
			else if (ch == '%')
			{
				/* a run of % is one * (q's like rejects ** on vectors) */
				if (!last_star)
					appendStringInfoChar(&buf, '*');
				last_star = true;
				continue;
			}
			else if (ch == '_')
			{
				appendStringInfoChar(&buf, '?');
				last_star = false;
				continue;
			}
		}
		last_star = false;
		if (ch == '*' || ch == '?' || ch == '[' || ch == ']')
		{
			appendStringInfoChar(&buf, '[');
			appendStringInfoChar(&buf, ch);
			appendStringInfoChar(&buf, ']');
		}
		else
			appendStringInfoChar(&buf, ch);
	}
	return buf.data;
}

/*
 * ts_bound
 *		The q timestamp (nanoseconds) B such that, for the floor-truncated
 *		microseconds t of a non-null q timestamp n, t < us <=> n < B.  B =
 *		us*1000 when that fits; beyond q's range it is clamped to 0W
 *		(+infinity) or to -0W+1, the smallest bound above -infinity, which
 *		keeps the equivalence for every finite or infinite n; -infinity
 *		gives -0W (no n is below it).
 */
static int64
ts_bound(Timestamp us)
{
	int64		r;

	if (TIMESTAMP_IS_NOEND(us))
		return PG_INT64_MAX;	/* 0Wp */
	if (TIMESTAMP_IS_NOBEGIN(us))
		return PG_INT64_MIN + 1;	/* -0Wp */
	if (pg_mul_s64_overflow(us, 1000, &r) || r >= PG_INT64_MAX)
		return us > 0 ? PG_INT64_MAX : PG_INT64_MIN + 2;
	if (r <= PG_INT64_MIN + 1)
		return PG_INT64_MIN + 2;
	return r;
}

/*
 * ts_last
 *		The last q timestamp L such that, for the floor-truncated
 *		microseconds t of a non-null q timestamp n, t <= us <=> n <= L: the
 *		bound of the next microsecond less one nanosecond, which exists for
 *		every us: +infinity gives 0W (every n), -infinity -0W (only -0W
 *		itself), a finite us past q's range 0W-1 (every n but +infinity),
 *		one before it -0W (only -infinity).  Unlike a strict bound, L keeps
 *		clear of q's null (the minimum long), so n <= L never needs a
 *		branch on the value.
 */
static int64
ts_last(Timestamp us)
{
	if (TIMESTAMP_IS_NOEND(us))
		return PG_INT64_MAX;	/* 0Wp */
	if (TIMESTAMP_IS_NOBEGIN(us))
		return PG_INT64_MIN + 1;	/* -0Wp */
	if (us == PG_INT64_MAX - 1)
		return PG_INT64_MAX - 1;	/* the last finite microsecond */
	return ts_bound(us + 1) - 1;
}

/*
 * qipc_param_has_no_bound
 *		The nanosecond before -infinity and the one after +infinity do not
 *		exist: x < -infinity and x > +infinity hold for no row.  Every
 *		other timestamp has both (ts_bound(us)-1 >= -0W, since ts_bound is
 *		-0W only for -infinity; ts_last(us)+1 <= 0W, since ts_last is 0W
 *		only for +infinity).
 */
bool
qipc_param_has_no_bound(Datum value, Oid typid, int conv)
{
	if (conv == QIPC_CONV_TS_BEFORE)
		return TIMESTAMP_IS_NOBEGIN(DatumGetTimestamp(value));
	if (conv == QIPC_CONV_TS_AFTER)
		return TIMESTAMP_IS_NOEND(DatumGetTimestamp(value));
	return false;
}

/*
 * char_argument
 *		The q char that stands for a value compared with a q char column:
 *		the byte of a "char", or of a one-byte text (char(n) after its
 *		trailing spaces are stripped, as its comparisons do); for any other
 *		text the space, q's null char, which no non-null item equals.
 */
static char
char_argument(Datum value, Oid typid)
{
	text	   *t;
	const char *p;
	int			len;

	if (typid == CHAROID)
		return DatumGetChar(value);
	t = DatumGetTextPP(value);
	p = VARDATA_ANY(t);
	len = VARSIZE_ANY_EXHDR(t);
	if (typid == BPCHAROID)
	{
		while (len > 0 && p[len - 1] == ' ')
			len--;
	}
	return len == 1 ? p[0] : KIPC_NULL_CHAR;
}

/*
 * qipc_param_to_kipc
 *		Convert a scan argument to its typed q value, as chosen by the
 *		deparser (QIPC_CONV_*).  The result is tracked in
 *		CurrentMemoryContext (qipc_track_object).
 */
/* ---- bind joins: integer arrays for "in", q specials dropped ---- */

/*
 * in_finite_vector
 *		The integer array "value" as a q vector of type t (short, int or
 *		long) holding only its elements that are finite values of t: NULL
 *		elements and values that would be q's null or an infinity (which
 *		match no value PostgreSQL can read) are left out, so that the
 *		condition "x in vector" selects exactly the rows whose x equals an
 *		element.  A NULL array is an empty vector.
 */
static KipcObject *
in_finite_vector(Datum value, bool isnull, Oid typid, int t)
{
	Oid			elemtype = get_element_type(typid);
	int64		lim = (t == KIPC_T_SHORT) ? PG_INT16_MAX :
		(t == KIPC_T_INT) ? PG_INT32_MAX : PG_INT64_MAX;
	Datum	   *elems = NULL;
	bool	   *nulls = NULL;
	int			nelems = 0;
	int			nkeep = 0;
	int16		elmlen;
	bool		elmbyval;
	char		elmalign;
	int			i;

	if (!isnull)
	{
		get_typlenbyvalalign(elemtype, &elmlen, &elmbyval, &elmalign);
		deconstruct_array(DatumGetArrayTypeP(value), elemtype, elmlen,
						  elmbyval, elmalign, &elems, &nulls, &nelems);
	}
	for (i = 0; i < nelems; i++)
	{
		int64		v;

		if (nulls[i])
			continue;
		v = (elemtype == INT2OID) ? DatumGetInt16(elems[i]) :
			(elemtype == INT4OID) ? DatumGetInt32(elems[i]) :
			DatumGetInt64(elems[i]);
		/* finite q values: -(lim-1) .. lim-1 */
		if (v >= lim || v <= -lim)
			continue;
		elems[nkeep++] = elems[i];
	}
	if (nkeep == 0)
		return qipc_track_object(kipc_new_vector(t, 0));
	return qipc_datum_to_kipc(PointerGetDatum(construct_array(elems, nkeep,
															  elemtype, elmlen,
															  elmbyval,
															  elmalign)),
							  false, typid, -t);
}

/* ---- end bind joins ---- */

KipcObject *
qipc_param_to_kipc(Datum value, bool isnull, Oid typid, int conv)
{
	/* ---- bind joins ---- */
	if (conv >= QIPC_CONV_IN_FINITE(0) &&
		conv < QIPC_CONV_IN_FINITE(KIPC_T_LONG + 1))
		return in_finite_vector(value, isnull, typid,
								conv - QIPC_CONV_IN_FINITE(0));
	/* ---- end bind joins ---- */

	switch (conv)
	{
		case QIPC_CONV_NATURAL:
			return qipc_datum_to_kipc(value, isnull, typid, 0);

		case QIPC_CONV_SYMBOL:
			return qipc_datum_to_kipc(value, isnull, typid, -KIPC_T_SYMBOL);

		case QIPC_CONV_LONG:
			{
				/* integers as q longs; the three q specials are clamped */
				int64		v = 0;

				if (isnull)
					return qipc_track_object(kipc_new_long(KIPC_NULL_LONG));
				if (typid == INT2OID)
					v = DatumGetInt16(value);
				else if (typid == INT4OID)
					v = DatumGetInt32(value);
				else
					v = DatumGetInt64(value);
				if (v <= KIPC_NINF_LONG)
					v = KIPC_NINF_LONG;
				return qipc_track_object(kipc_new_long(v));
			}

		case QIPC_CONV_TS_LO:
		case QIPC_CONV_TS_LAST:
		case QIPC_CONV_TS_BEFORE:
		case QIPC_CONV_TS_AFTER:
			{
				int64		ns = KIPC_NULL_LONG;

				if (!isnull)
				{
					Timestamp	us = DatumGetTimestamp(value);

					if (conv == QIPC_CONV_TS_LO)
						ns = ts_bound(us);
					else if (conv == QIPC_CONV_TS_LAST)
						ns = ts_last(us);
					else if (qipc_param_has_no_bound(value, typid, conv))
						ns = KIPC_NULL_LONG;	/* never sent: see scan.c */
					else if (conv == QIPC_CONV_TS_BEFORE)
						ns = ts_bound(us) - 1;
					else
						ns = ts_last(us) + 1;
				}
				return qipc_track_object(kipc_new_temporal(-KIPC_T_TIMESTAMP, ns));
			}

		case QIPC_CONV_LIKE:
		case QIPC_CONV_EXACT:
			{
				char	   *pat = "";
				int			len = 0;

				if (!isnull)
				{
					text	   *t = DatumGetTextPP(value);

					pat = qipc_like_pattern(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t),
									   conv == QIPC_CONV_EXACT);
					len = strlen(pat);
				}
				return qipc_track_object(kipc_new_string(pat, len));
			}

		case QIPC_CONV_CHAR:
			{
				Oid			elemtype = get_element_type(typid);
				KipcObject *o;
				Datum	   *elems;
				bool	   *nulls;
				int			nelems;
				int16		elmlen;
				bool		elmbyval;
				char		elmalign;
				int			i;

				if (!OidIsValid(elemtype))
					return qipc_track_object(kipc_new_char(isnull ? KIPC_NULL_CHAR :
														   char_argument(value, typid)));
				/* an IN list: a char vector (arrays with NULLs stay local) */
				get_typlenbyvalalign(elemtype, &elmlen, &elmbyval, &elmalign);
				deconstruct_array(DatumGetArrayTypeP(value), elemtype, elmlen,
								  elmbyval, elmalign, &elems, &nulls, &nelems);
				o = qipc_track_object(kipc_new_vector(KIPC_T_CHAR, nelems));
				for (i = 0; i < nelems; i++)
					((char *) o->v.items)[i] = nulls[i] ? KIPC_NULL_CHAR :
						char_argument(elems[i], elemtype);
				return o;
			}

		default:
			if (conv >= QIPC_CONV_QTYPE(0))
				return qipc_datum_to_kipc(value, isnull, typid,
										  -(conv - QIPC_CONV_QTYPE(0)));
			elog(ERROR, "unrecognized qipc_fdw argument conversion: %d", conv);
	}
	return NULL;				/* keep compiler quiet */
}
