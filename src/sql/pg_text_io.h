// PostgreSQL's input functions for the scalar types whose text DuckDB reads differently
// (int4in, float8in, boolin, byteain): what a Bind parameter in text format and a cast from
// text both go through, so '1.5'::int and a parameter '1.5' for an int fail alike. And the
// output forms the casts to text need (arrays, floats, bytea).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace ducklings::sql {

// An integer in [min, max] as int2in/int4in/int8in read it (blanks around it, a sign, digits
// only); `type` names the type in the error. Throws SqlError 22P02 (not a number) or 22003.
int64_t parse_pg_int(const char* type, std::string_view text, int64_t min, int64_t max);

// A double or a real as float8in and float4in read them (NaN, Infinity, exponents, blanks
// around). Throws SqlError 22P02, or 22003 when it overflows or underflows the type.
double parse_pg_double(std::string_view text);
float parse_pg_float(std::string_view text);

// boolin: t/true/y/yes/on/1 and f/false/n/no/off/0, any case, any unique prefix of the
// words, blanks around it. Throws SqlError 22P02.
bool parse_pg_bool(std::string_view text);

// byteain: the hex form ("\x0a0b", blanks between digit pairs allowed) or the escape form
// ("a\\b\001"). Throws SqlError 22P02 (escape form) or 22023 (hex digits), as PostgreSQL.
std::string decode_pg_bytea(std::string_view text);

// byteaout with bytea_output = hex: "\x" and two lowercase digits per byte.
std::string encode_pg_bytea(std::string_view bytes);

// float8out / float4out (extra_float_digits 1): the shortest digits that read back as the
// same value, in exponent form below 1e-4 and from 1e15 (1e6 for a real) up: 1e+20.
void append_pg_float(std::string& out, double v, bool single);

// An array element as array_out writes it: quoted (with \ before " and \) when empty, a
// look-alike of NULL, or holding braces, quotes, backslashes, commas or blanks.
void append_pg_array_element(std::string& out, std::string_view text);

}  // namespace ducklings::sql
