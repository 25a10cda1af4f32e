/*-------------------------------------------------------------------------
 *
 * jsonconv.c
 *		  Conversion of q values to jsonb, for qipc_exec and qipc_call.
 *
 * Rules (documented in README, "Direct q access from SQL"):
 *	- booleans and numbers (byte, short, int, long, real, float) become JSON
 *	  booleans and numbers; integer infinities (0W, -0W) stay numbers, since
 *	  they are ordinary values of their type;
 *	- every q null (0N of each type, NaN floats, the space char, the empty
 *	  symbol, the zero GUID, ::) becomes JSON null;
 *	- float infinities (0w, -0w) and temporal infinities (0Wp, 0Wd, ...)
 *	  become the strings "Infinity" and "-Infinity" (JSON has no infinity);
 *	- chars, strings (char vectors) and symbols become strings, checked to be
 *	  valid in the database encoding;
 *	- a GUID becomes its canonical uuid text;
 *	- temporal values become ISO 8601 style strings at q's full precision:
 *	  timestamp "2024-01-02T09:30:00.123456789", month "2024-02", date
 *	  "2024-01-02", datetime "2024-01-02T03:04:05.678", timespan
 *	  "0D01:02:03.123456789" (q's own form: days, then time of day; a
 *	  leading "-" for negative spans), minute "12:34", second "12:34:56",
 *	  time "12:34:56.789".  Years outside 0000..9999 are written with a sign
 *	  and at least four digits, as ISO 8601 expanded years are;
 *	- vectors and general lists become arrays;
 *	- dictionaries become objects: symbol keys as they are, other keys by
 *	  their JSON text (a string key without quotes);
 *	- tables and keyed tables become arrays of row objects (a keyed table's
 *	  key columns and value columns in one object).  jsonb orders object
 *	  keys by its own rule (shorter keys first), not by q column order;
 *	- a lambda becomes its source text; other functions (primitives,
 *	  projections, compositions, iterators) their q display text.
 *
 * Values are built with pushJsonbValue, never by printing and re-parsing
 * JSON text, so that numbers keep their exact value: integers go through
 * int64_to_numeric and floats through the shortest decimal text that reads
 * back as the same double (PostgreSQL's float8out algorithm), whatever
 * extra_float_digits says.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		  src/jsonconv.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/uuid.h"

#include "qipc_fdw.h"

#define NS_PER_SEC		INT64CONST(1000000000)
#define NS_PER_DAY		INT64CONST(86400000000000)
#define MS_PER_DAY		INT64CONST(86400000)

static void push_object(JsonbParseState **ps, const KipcObject *o,
						JsonbIteratorToken tok);
static void push_table_rows(JsonbParseState **ps, const KipcObject *keys,
							const KipcObject *values);
static void scalar_value(const KipcObject *atom, JsonbValue *jv);
static bool is_scalar_item(const KipcObject *o);
static void check_items(int64 n, bool object, const char *what);

/* ----------------------------------------------------------------
 * Scalars
 * ----------------------------------------------------------------
 */

/* a JSON string from bytes that must be valid in the database encoding */
static void
string_value(const char *s, int len, JsonbValue *jv)
{
	(void) pg_verifymbstr(s, len, false);
	jv->type = jbvString;
	jv->val.string.val = (char *) s;
	jv->val.string.len = len;
}

/* a JSON string from a palloc'd C string */
static void
cstring_value(char *s, JsonbValue *jv)
{
	jv->type = jbvString;
	jv->val.string.val = s;
	jv->val.string.len = strlen(s);
}

static void
integer_value(int64 v, JsonbValue *jv)
{
	jv->type = jbvNumeric;
	jv->val.numeric = int64_to_numeric(v);
}

/*
 * A JSON number from a finite double, through the shortest decimal text that
 * reads back exactly (so 0.1 stays 0.1 and no digit is invented or lost).
 */
static void
float_value(double d, bool is_real, JsonbValue *jv)
{
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

	if (is_real)
		float_to_shortest_decimal_buf((float) d, buf);
	else
		double_to_shortest_decimal_buf(d, buf);
	jv->type = jbvNumeric;
	jv->val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in,
														  CStringGetDatum(buf),
														  ObjectIdGetDatum(InvalidOid),
														  Int32GetDatum(-1)));
}

static void
infinity_value(bool negative, JsonbValue *jv)
{
	cstring_value(pstrdup(negative ? "-Infinity" : "Infinity"), jv);
}

/*
 * civil_from_days
 *		Proleptic Gregorian date of day number "days" (0 = 2000-01-01), for
 *		any int64 (H. Hinnant's algorithm; year 0 is 1 BC as in ISO 8601).
 */
static void
civil_from_days(int64 days, int64 *year, int *month, int *day)
{
	int64		z = days + 10957 + 719468;	/* days since 0000-03-01 */
	int64		era = (z >= 0 ? z : z - 146096) / 146097;
	int64		doe = z - era * 146097;
	int64		yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64		doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64		mp = (5 * doy + 2) / 153;
	int			d = (int) (doy - (153 * mp + 2) / 5 + 1);
	int			m = (int) (mp < 10 ? mp + 3 : mp - 9);

	*year = yoe + era * 400 + (m <= 2 ? 1 : 0);
	*month = m;
	*day = d;
}

/* floor division and modulo for possibly negative dividends */
static int64
floor_div(int64 a, int64 b)
{
	int64		q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static void
append_year(StringInfo buf, int64 year)
{
	if (year >= 0 && year <= 9999)
		appendStringInfo(buf, "%04d", (int) year);
	else
		appendStringInfo(buf, "%+05lld", (long long) year);
}

static void
append_date(StringInfo buf, int64 days)
{
	int64		y;
	int			m,
				d;

	civil_from_days(days, &y, &m, &d);
	append_year(buf, y);
	appendStringInfo(buf, "-%02d-%02d", m, d);
}

/*
 * Append a time of day or duration given in units of 10^-digits seconds:
 * HH:MM:SS[.fff] (hours may exceed 23 for durations).  v must be >= 0.
 */
static void
append_clock(StringInfo buf, int64 v, int64 units_per_sec, int digits)
{
	int64		secs = v / units_per_sec;
	int64		frac = v % units_per_sec;

	appendStringInfo(buf, "%02lld:%02d:%02d",
					 (long long) (secs / 3600), (int) (secs / 60 % 60),
					 (int) (secs % 60));
	if (digits > 0)
		appendStringInfo(buf, ".%0*lld", digits, (long long) frac);
}

/*
 * temporal_value
 *		A q temporal atom (not null, not infinite) as an ISO-style string.
 */
static void
temporal_value(const KipcObject *atom, JsonbValue *jv)
{
	StringInfoData buf;

	initStringInfo(&buf);
	switch (-atom->type)
	{
		case KIPC_T_TIMESTAMP:
			{
				int64		v = atom->a.j;
				int64		days = floor_div(v, NS_PER_DAY);

				append_date(&buf, days);
				appendStringInfoChar(&buf, 'T');
				append_clock(&buf, v - days * NS_PER_DAY, NS_PER_SEC, 9);
				break;
			}
		case KIPC_T_MONTH:
			{
				int64		m = atom->a.i;
				int64		y = 2000 + floor_div(m, 12);

				append_year(&buf, y);
				appendStringInfo(&buf, "-%02d", (int) (m - floor_div(m, 12) * 12 + 1));
				break;
			}
		case KIPC_T_DATE:
			append_date(&buf, atom->a.i);
			break;
		case KIPC_T_DATETIME:
			{
				/* float days; q shows milliseconds */
				int64		ms = (int64) llround(atom->a.f * (double) MS_PER_DAY);
				int64		days = floor_div(ms, MS_PER_DAY);

				append_date(&buf, days);
				appendStringInfoChar(&buf, 'T');
				append_clock(&buf, ms - days * MS_PER_DAY, 1000, 3);
				break;
			}
		case KIPC_T_TIMESPAN:
			{
				int64		v = atom->a.j;
				uint64		u;

				if (v < 0)
				{
					appendStringInfoChar(&buf, '-');
					u = (uint64) 0 - (uint64) v;
				}
				else
					u = (uint64) v;
				appendStringInfo(&buf, "%lluD",
								 (unsigned long long) (u / (uint64) NS_PER_DAY));
				append_clock(&buf, (int64) (u % (uint64) NS_PER_DAY),
							 NS_PER_SEC, 9);
				break;
			}
		case KIPC_T_MINUTE:
		case KIPC_T_SECOND:
		case KIPC_T_TIME:
			{
				int64		v = atom->a.i;

				if (v < 0)
				{
					appendStringInfoChar(&buf, '-');
					v = -v;
				}
				if (-atom->type == KIPC_T_MINUTE)
					appendStringInfo(&buf, "%02lld:%02d",
									 (long long) (v / 60), (int) (v % 60));
				else if (-atom->type == KIPC_T_SECOND)
					append_clock(&buf, v, 1, 0);
				else
					append_clock(&buf, v, 1000, 3);
				break;
			}
		default:
			elog(ERROR, "unexpected q temporal type %d", atom->type);
	}
	cstring_value(buf.data, jv);
}

/* is the (non-null) temporal atom one of q's infinities?  Sets *negative. */
static bool
temporal_infinity(const KipcObject *atom, bool *negative)
{
	switch (-atom->type)
	{
		case KIPC_T_TIMESTAMP:
		case KIPC_T_TIMESPAN:
			*negative = atom->a.j == KIPC_NINF_LONG;
			return atom->a.j == KIPC_INF_LONG || atom->a.j == KIPC_NINF_LONG;
		case KIPC_T_DATETIME:
			*negative = atom->a.f < 0;
			return isinf(atom->a.f);
		default:
			*negative = atom->a.i == KIPC_NINF_INT;
			return atom->a.i == KIPC_INF_INT || atom->a.i == KIPC_NINF_INT;
	}
}

/*
 * scalar_value
 *		The JSON scalar for a q atom (types -1..-19, or :: / a function).
 */
static void
scalar_value(const KipcObject *atom, JsonbValue *jv)
{
	bool		negative;

	if (kipc_is_null(atom, -1))
	{
		jv->type = jbvNull;
		return;
	}

	switch (-atom->type)
	{
		case KIPC_T_BOOLEAN:
			jv->type = jbvBool;
			jv->val.boolean = atom->a.g != 0;
			break;
		case KIPC_T_GUID:
			{
				pg_uuid_t  *u = palloc(sizeof(pg_uuid_t));

				memcpy(u->data, atom->a.guid, UUID_LEN);
				cstring_value(DatumGetCString(DirectFunctionCall1(uuid_out,
																  UUIDPGetDatum(u))),
							  jv);
				break;
			}
		case KIPC_T_BYTE:
			integer_value(atom->a.g, jv);
			break;
		case KIPC_T_SHORT:
			integer_value(atom->a.h, jv);
			break;
		case KIPC_T_INT:
			integer_value(atom->a.i, jv);
			break;
		case KIPC_T_LONG:
			integer_value(atom->a.j, jv);
			break;
		case KIPC_T_REAL:
			if (isinf(atom->a.e))
				infinity_value(atom->a.e < 0, jv);
			else
				float_value(atom->a.e, true, jv);
			break;
		case KIPC_T_FLOAT:
			if (isinf(atom->a.f))
				infinity_value(atom->a.f < 0, jv);
			else
				float_value(atom->a.f, false, jv);
			break;
		case KIPC_T_CHAR:
			{
				char	   *s = palloc(2);

				s[0] = (char) atom->a.g;
				s[1] = '\0';
				string_value(s, 1, jv);
				break;
			}
		case KIPC_T_SYMBOL:
			string_value(atom->a.s, strlen(atom->a.s), jv);
			break;
		case KIPC_T_TIMESTAMP:
		case KIPC_T_MONTH:
		case KIPC_T_DATE:
		case KIPC_T_DATETIME:
		case KIPC_T_TIMESPAN:
		case KIPC_T_MINUTE:
		case KIPC_T_SECOND:
		case KIPC_T_TIME:
			if (temporal_infinity(atom, &negative))
				infinity_value(negative, jv);
			else
				temporal_value(atom, jv);
			break;
		default:
			elog(ERROR, "unexpected q atom type %d", atom->type);
	}
}

/*
 * vector_item
 *		View item k of vector vec (types 1..19) as an atom in *atom (which
 *		borrows vec's storage for symbols).
 */
static void
vector_item(const KipcObject *vec, int64 k, KipcObject *atom)
{
	int			size = kipc_type_size(vec->type);

	memset(atom, 0, sizeof(KipcObject));
	atom->type = -vec->type;
	if (vec->type == KIPC_T_SYMBOL)
		atom->a.s = vec->v.syms[k];
	else
		memcpy(&atom->a, (const char *) vec->v.items + k * size, size);
}

/* a function as text: a lambda's source, otherwise q's display form */
static void
function_value(const KipcObject *o, JsonbValue *jv)
{
	char	   *s;

	if (o->type == KIPC_T_LAMBDA && o->v.objs != NULL && o->v.objs[0] != NULL &&
		o->v.objs[0]->type == KIPC_T_CHAR)
	{
		string_value((const char *) o->v.objs[0]->v.items,
					 (int) o->v.objs[0]->n, jv);
		return;
	}
	s = qipc_format_value(o);
	cstring_value(s, jv);
}

/* true for the objects that convert to a JSON scalar */
static bool
is_scalar_item(const KipcObject *o)
{
	return (o->type < 0 && o->type >= -KIPC_T_TIME) ||
		o->type == KIPC_T_CHAR ||
		(o->type >= KIPC_T_LAMBDA && o->type <= KIPC_T_DYNLOAD);
}

/* the JSON scalar of an object for which is_scalar_item is true */
static void
scalar_of(const KipcObject *o, JsonbValue *jv)
{
	if (o->type == KIPC_T_CHAR)
		string_value((const char *) o->v.items, (int) o->n, jv);
	else if (o->type == KIPC_T_UNARY && o->a.g == 0)
		jv->type = jbvNull;		/* :: */
	else if (o->type >= KIPC_T_LAMBDA)
		function_value(o, jv);
	else
		scalar_value(o, jv);
}

/* ----------------------------------------------------------------
 * Containers
 * ----------------------------------------------------------------
 */

/*
 * key_text
 *		The object key for dictionary key "key": a string or symbol as it
 *		is, anything else by its JSON text.
 */
static void
key_text(const KipcObject *key, JsonbValue *jv)
{
	JsonbValue	v;

	if (key->type == -KIPC_T_SYMBOL || key->type == KIPC_T_CHAR ||
		key->type == -KIPC_T_CHAR)
	{
		scalar_of(key, &v);
		if (v.type == jbvString)
		{
			*jv = v;
			return;
		}
	}
	/* render the key's own JSON and use that text */
	cstring_value(JsonbToCString(NULL,
								 &DatumGetJsonbP(qipc_kipc_to_jsonb(key))->root,
								 32), jv);
}

/*
 * list_item
 *		Item k of a vector or general list, as an object: either the list's
 *		own item, or a view of the vector item in *tmp.
 */
static const KipcObject *
list_item(const KipcObject *list, int64 k, KipcObject *tmp)
{
	if (list->type == KIPC_T_LIST)
		return list->v.objs[k];
	vector_item(list, k, tmp);
	return tmp;
}

/*
 * check_items
 *		Raise 54000 (program_limit_exceeded) when a q list (a dictionary or
 *		row object: object) of n items is too large for a jsonb container,
 *		before anything is allocated for it.
 *
 * pushJsonbValue keeps the elements of an open array (the pairs of an
 * open object) in a palloc'd array that starts with room for 4 and
 * doubles; the doubling that passes MaxAllocSize would fail with the
 * internal error "invalid memory alloc request size".  So the limit is
 * the last size before that doubling, and never more than jsonb's own
 * count limit.
 */
static void
check_items(int64 n, bool object, const char *what)
{
	Size		itemsize = object ? sizeof(JsonbPair) : sizeof(JsonbValue);
	int64		limit = 4;

	while ((Size) (limit * 2) * itemsize <= MaxAllocSize)
		limit *= 2;
	limit = Min(limit, (int64) JB_CMASK);
	if (n > limit)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("q %s of " INT64_FORMAT " items is too large for jsonb",
						what, n),
				 errdetail("A jsonb %s built here holds at most " INT64_FORMAT " %s.",
						   object ? "object" : "array", limit,
						   object ? "pairs" : "elements")));
}

/*
 * push_dict
 *		A dictionary as a JSON object.
 */
static void
push_dict(JsonbParseState **ps, const KipcObject *d)
{
	const KipcObject *keys = kipc_dict_keys(d);
	const KipcObject *vals = kipc_dict_values(d);
	int64		n;
	int64		k;

	if (keys->type < 0 || keys->type > KIPC_T_TIME ||
		vals->type < 0 || vals->type > KIPC_T_TIME || keys->n != vals->n)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("cannot convert a q dictionary whose keys or values are not lists to jsonb")));

	n = keys->n;
	check_items(n, true, "dictionary");
	pushJsonbValue(ps, WJB_BEGIN_OBJECT, NULL);
	for (k = 0; k < n; k++)
	{
		KipcObject	ktmp;
		KipcObject	vtmp;
		JsonbValue	jk;

		key_text(list_item(keys, k, &ktmp), &jk);
		pushJsonbValue(ps, WJB_KEY, &jk);
		push_object(ps, list_item(vals, k, &vtmp), WJB_VALUE);
	}
	pushJsonbValue(ps, WJB_END_OBJECT, NULL);
}

/*
 * push_table_columns
 *		Push the key/value pairs of row "row" of a simple table.
 */
static void
push_row_pairs(JsonbParseState **ps, const KipcObject *t, int64 row)
{
	int64		ncols = kipc_table_ncols(t);
	int64		c;

	for (c = 0; c < ncols; c++)
	{
		const char *name = kipc_table_colname(t, c);
		const KipcObject *col = kipc_table_column(t, c);
		KipcObject	tmp;
		JsonbValue	jk;

		string_value(name, strlen(name), &jk);
		pushJsonbValue(ps, WJB_KEY, &jk);
		push_object(ps, list_item(col, row, &tmp), WJB_VALUE);
	}
}

/* check that t is a simple table whose columns are lists of equal length */
static int64
checked_table_rows(const KipcObject *t)
{
	int64		ncols = kipc_table_ncols(t);
	int64		nrows = -1;
	int64		c;

	for (c = 0; c < ncols; c++)
	{
		const KipcObject *col = kipc_table_column(t, c);

		if (col == NULL || col->type < 0 || col->type > KIPC_T_TIME)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("cannot convert a q table with a column that is not a list to jsonb")));
		if (nrows < 0)
			nrows = col->n;
		else if (col->n != nrows)
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("q table has columns of different lengths")));
	}
	return nrows < 0 ? 0 : nrows;
}

/*
 * push_table_rows
 *		A table (values NULL) or keyed table (keys, values) as an array of
 *		row objects.
 */
static void
push_table_rows(JsonbParseState **ps, const KipcObject *keys,
				const KipcObject *values)
{
	int64		nrows = checked_table_rows(keys);
	int64		r;

	if (values != NULL && checked_table_rows(values) != nrows)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("q keyed table has keys and values of different lengths")));

	check_items(nrows, false, "table");
	check_items(kipc_table_ncols(keys) +
				(values != NULL ? kipc_table_ncols(values) : 0), true, "table");
	pushJsonbValue(ps, WJB_BEGIN_ARRAY, NULL);
	for (r = 0; r < nrows; r++)
	{
		CHECK_FOR_INTERRUPTS();
		pushJsonbValue(ps, WJB_BEGIN_OBJECT, NULL);
		push_row_pairs(ps, keys, r);
		if (values != NULL)
			push_row_pairs(ps, values, r);
		pushJsonbValue(ps, WJB_END_OBJECT, NULL);
	}
	pushJsonbValue(ps, WJB_END_ARRAY, NULL);
}

/*
 * push_object
 *		Push q object o as an array element (tok WJB_ELEM) or object value
 *		(WJB_VALUE).
 */
static void
push_object(JsonbParseState **ps, const KipcObject *o, JsonbIteratorToken tok)
{
	check_stack_depth();

	if (is_scalar_item(o))
	{
		JsonbValue	jv;

		scalar_of(o, &jv);
		pushJsonbValue(ps, tok, &jv);
		return;
	}

	switch (o->type)
	{
		case KIPC_T_LIST:
			{
				int64		k;

				check_items(o->n, false, "list");
				pushJsonbValue(ps, WJB_BEGIN_ARRAY, NULL);
				for (k = 0; k < o->n; k++)
					push_object(ps, o->v.objs[k], WJB_ELEM);
				pushJsonbValue(ps, WJB_END_ARRAY, NULL);
				break;
			}
		case KIPC_T_TABLE:
			push_table_rows(ps, o, NULL);
			break;
		case KIPC_T_DICT:
		case KIPC_T_SORTED_DICT:
			if (kipc_is_keyed_table(o))
				push_table_rows(ps, kipc_dict_keys(o), kipc_dict_values(o));
			else
				push_dict(ps, o);
			break;
		default:
			if (o->type >= 1 && o->type <= KIPC_T_TIME)
			{
				int64		k;

				/* a typed vector: one scalar per item */
				check_items(o->n, false, "list");
				pushJsonbValue(ps, WJB_BEGIN_ARRAY, NULL);
				for (k = 0; k < o->n; k++)
				{
					KipcObject	atom;
					JsonbValue	jv;

					if ((k & 0xFFFF) == 0)
						CHECK_FOR_INTERRUPTS();
					vector_item(o, k, &atom);
					scalar_value(&atom, &jv);
					pushJsonbValue(ps, WJB_ELEM, &jv);
				}
				pushJsonbValue(ps, WJB_END_ARRAY, NULL);
			}
			else
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
						 errmsg("cannot convert a q value of type %s (%d) to jsonb",
								kipc_type_name(o->type), o->type)));
			break;
	}
}

/*
 * qipc_kipc_to_jsonb
 *		Convert the q value o to a palloc'd jsonb Datum (rules in the file
 *		header).  Raises ERRCODE_FDW_INVALID_DATA_TYPE for values with no
 *		JSON form and 22021 for text that is not valid in the database
 *		encoding.
 */
Datum
qipc_kipc_to_jsonb(const KipcObject *o)
{
	JsonbParseState *ps = NULL;
	JsonbValue *res;

	if (is_scalar_item(o))
	{
		JsonbValue	jv;

		/* JsonbValueToJsonb wraps a scalar as a raw scalar document */
		scalar_of(o, &jv);
		return JsonbPGetDatum(JsonbValueToJsonb(&jv));
	}

	/* containers: wrap in a one-element array and unwrap the result */
	pushJsonbValue(&ps, WJB_BEGIN_ARRAY, NULL);
	push_object(&ps, o, WJB_ELEM);
	res = pushJsonbValue(&ps, WJB_END_ARRAY, NULL);
	Assert(res->type == jbvArray && res->val.array.nElems == 1);
	return JsonbPGetDatum(JsonbValueToJsonb(&res->val.array.elems[0]));
}
