#include "sql/function_policy.h"

#include <cctype>
#include <set>
#include <sstream>

namespace ducklings::sql {
namespace {

// DuckDB's scalar, aggregate and window functions and its built-in macros (duckdb_functions()
// of the pinned library), each reviewed: they compute from their arguments and the session's
// own state. Not here: json_serialize_plan (binds a query given as text), write_log,
// parse_duckdb_log_message, get_block_size, nextval/currval (they name a relation, below).
constexpr const char* kDuckDbExpressionFunctions =
    "formatReadableDecimalSize formatReadableSize "
    "abs acos acosh add age aggregate ago alias any_value apply approx_count_distinct "
    "approx_quantile approx_top_k arbitrary arg_max arg_max_null arg_max_nulls_last arg_min "
    "arg_min_null arg_min_nulls_last argmax argmin array_agg array_aggr array_aggregate "
    "array_append array_apply array_cat array_concat array_contains array_cosine_distance "
    "array_cosine_similarity array_cross_product array_distance array_distinct array_dot_product "
    "array_extract array_filter array_grade_up array_has array_has_all array_has_any "
    "array_indexof array_inner_product array_intersect array_length array_negative_dot_product "
    "array_negative_inner_product array_pop_back array_pop_front array_position array_prepend "
    "array_push_back array_push_front array_reduce array_resize array_reverse array_reverse_sort "
    "array_select array_slice array_sort array_to_json array_to_string "
    "array_to_string_comma_default array_transform array_unique array_value array_where "
    "array_zip ascii asin asinh atan atan2 atanh avg bar base64 bin bit_and bit_count bit_length "
    "bit_or bit_position bit_xor bitstring bitstring_agg bool_and bool_or can_cast_implicitly "
    "cardinality cast_to_type cbrt ceil ceiling century char_length character_length chr "
    "col_description combine concat concat_ws constant_or_null contains corr cos cosh cot count "
    "count_if count_star countif covar_pop covar_samp create_sort_key cume_dist current_catalog "
    "current_connection_id current_database current_date current_localtime "
    "current_localtimestamp current_query current_query_id current_role current_schema "
    "current_schemas current_setting current_transaction_id current_user damerau_levenshtein "
    "date_add date_diff date_part date_sub date_trunc datediff datepart datesub datetrunc day "
    "dayname dayofmonth dayofweek dayofyear days_in_month decade decode degrees dense_rank "
    "divide editdist3 element_at encode ends_with entropy enum_code enum_first enum_last "
    "enum_range enum_range_boundary epoch epoch_ms epoch_ns epoch_us equi_width_bins era error "
    "even exp factorial favg fdiv fill filter finalize first first_value flatten floor fmod "
    "format format_bytes format_pg_type format_type from_base64 from_binary from_hex from_json "
    "from_json_strict fsum gamma gcd gen_random_uuid generate_series generate_subscripts geomean "
    "geometric_mean get_bit get_current_time get_current_timestamp get_type getvariable grade_up "
    "greatest greatest_common_divisor group_concat hamming has_any_column_privilege "
    "has_column_privilege has_database_privilege has_foreign_data_wrapper_privilege "
    "has_function_privilege has_language_privilege has_schema_privilege has_sequence_privilege "
    "has_server_privilege has_table_privilege has_tablespace_privilege hash hex histogram "
    "histogram_exact hour icu_sort_key ilike_escape in_search_path inet_client_addr "
    "inet_client_port inet_server_addr inet_server_port instr is_histogram_other_bin isfinite "
    "isinf isnan isodow isoyear jaccard jaro_similarity jaro_winkler_similarity json json_array "
    "json_array_length json_contains json_deserialize_sql json_exists json_extract "
    "json_extract_path json_extract_path_text json_extract_string json_group_array "
    "json_group_object json_group_structure json_keys json_merge_patch json_object json_pretty "
    "json_quote json_serialize_sql json_structure json_transform json_transform_strict json_type "
    "json_valid json_value julian kahan_sum kurtosis kurtosis_pop lag last last_day last_value "
    "lcase lcm lead least least_common_multiple left left_grapheme len length length_grapheme "
    "levenshtein lgamma like_escape list list_aggr list_aggregate list_any_value list_append "
    "list_apply list_approx_count_distinct list_avg list_bit_and list_bit_or list_bit_xor "
    "list_bool_and list_bool_or list_cat list_concat list_contains list_cosine_distance "
    "list_cosine_similarity list_count list_distance list_distinct list_dot_product list_element "
    "list_entropy list_extract list_filter list_first list_grade_up list_has list_has_all "
    "list_has_any list_histogram list_indexof list_inner_product list_intersect list_kurtosis "
    "list_kurtosis_pop list_last list_mad list_max list_median list_min list_mode "
    "list_negative_dot_product list_negative_inner_product list_pack list_position list_prepend "
    "list_product list_reduce list_resize list_reverse list_reverse_sort list_select list_sem "
    "list_skewness list_slice list_sort list_stddev_pop list_stddev_samp list_string_agg "
    "list_sum list_transform list_unique list_value list_var_pop list_var_samp list_where "
    "list_zip listagg ln log log10 log2 lower lpad ltrim mad make_date make_time make_timestamp "
    "make_timestamp_ms make_timestamp_ns make_timestamptz make_type map map_concat map_contains "
    "map_contains_entry map_contains_value map_entries map_extract map_extract_value "
    "map_from_entries map_keys map_to_pg_oid map_values max max_by md5 md5_number "
    "md5_number_lower md5_number_upper mean median microsecond millennium millisecond min min_by "
    "minute mismatches mod mode month monthname multiply nanosecond nextafter nfc_normalize "
    "normalized_interval not_ilike_escape not_like_escape now nth_value ntile nullif "
    "obj_description octet_length ord parse_dirname parse_dirpath parse_filename "
    "parse_formatted_bytes parse_path percent_rank pg_collation_is_visible pg_conf_load_time "
    "pg_conversion_is_visible pg_function_is_visible pg_get_constraintdef pg_get_expr "
    "pg_get_viewdef pg_has_role pg_is_other_temp_schema pg_my_temp_schema pg_opclass_is_visible "
    "pg_operator_is_visible pg_opfamily_is_visible pg_postmaster_start_time pg_size_pretty "
    "pg_sleep pg_table_is_visible pg_ts_config_is_visible pg_ts_dict_is_visible "
    "pg_ts_parser_is_visible pg_ts_template_is_visible pg_type_is_visible pg_typeof pi position "
    "pow power prefix printf product quantile quantile_cont quantile_disc quarter radians random "
    "range rank rank_dense reduce regexp_escape regexp_extract regexp_extract_all "
    "regexp_full_match regexp_matches regexp_replace regexp_split_to_array regexp_split_to_table "
    "regr_avgx regr_avgy regr_count regr_intercept regr_r2 regr_slope regr_sxx regr_sxy regr_syy "
    "remap_struct repeat replace replace_type reservoir_quantile reverse right right_grapheme "
    "round round_even roundbankers row row_number row_to_json rpad rtrim second sem session_user "
    "set_bit setseed sha1 sha256 shobj_description sign signbit sin sinh skewness sleep_ms split "
    "split_part sqrt st_asbinary st_astext st_aswkb st_aswkt st_crs st_geomfromwkb "
    "st_intersects_extent st_setcrs starts_with stats stddev stddev_pop stddev_samp str_split "
    "str_split_regex strftime string_agg string_split string_split_regex string_to_array "
    "strip_accents strlen strpos strptime struct_concat struct_contains struct_extract "
    "struct_extract_at struct_has struct_indexof struct_insert struct_keys struct_pack "
    "struct_position struct_update struct_values substr substring substring_grapheme subtract "
    "suffix sum sum_no_overflow sumkahan switch tan tanh time_bucket timetz_byte_comparable "
    "timezone timezone_hour timezone_minute to_base to_base64 to_binary to_centuries to_days "
    "to_decades to_hex to_hours to_json to_microseconds to_millennia to_milliseconds to_minutes "
    "to_months to_quarters to_seconds to_timestamp to_weeks to_years today transaction_timestamp "
    "translate trim trunc try_strptime txid_current typeof ucase unbin unhex unicode "
    "union_extract union_tag union_value unpivot_list upper url_decode url_encode user uuid "
    "uuid_extract_timestamp uuid_extract_version uuidv4 uuidv7 var_pop var_samp variance "
    "variant_bytes_to_variant variant_extract variant_normalize variant_to_parquet_variant "
    "variant_typeof vector_type version wavg week weekday weekofyear weighted_avg xor year "
    "yearweek ";

// PostgreSQL's names for functions that clients send and the gateway or DuckDB answers
// (PostgreSQL's grammar also turns EXTRACT, OVERLAY, POSITION, TRIM, AT TIME ZONE and
// IS NORMALIZED into calls of these). A name DuckDB does not have fails with 42883 as it would
// for an owner.
constexpr const char* kPostgresExpressionFunctions =
    "array_dims array_fill array_lower array_ndims array_positions array_remove array_replace "
    "array_upper trim_array "
    "bool_and bool_or btrim clock_timestamp concat convert convert_from convert_to date_bin "
    "div every extract format get_byte initcap is_normalized isfinite json_agg "
    "json_array_elements json_array_elements_text json_build_array json_build_object json_each "
    "json_each_text json_object_agg json_object_keys json_populate_record json_strip_nulls "
    "json_typeof jsonb_agg jsonb_array_elements jsonb_array_elements_text jsonb_array_length "
    "jsonb_build_array jsonb_build_object jsonb_each jsonb_each_text jsonb_extract_path "
    "jsonb_extract_path_text jsonb_insert jsonb_object_agg jsonb_object_keys jsonb_pretty "
    "jsonb_set jsonb_strip_nulls jsonb_typeof justify_days justify_hours justify_interval lastval "
    "localtime localtimestamp make_interval min_scale normalize num_nonnulls num_nulls overlaps "
    "overlay percentile_cont percentile_disc pg_client_encoding pg_collation_for pg_column_size "
    "quote_ident quote_literal quote_nullable random_normal regexp_count regexp_instr "
    "regexp_like regexp_match regexp_substr scale set_byte set_config sha224 sha384 sha512 "
    "similar_escape similar_to_escape statement_timestamp string_to_table timeofday to_ascii "
    "to_char to_date to_jsonb to_number to_regclass to_regnamespace to_regproc to_regtype "
    "trim_scale unistr uuid_generate_v4 width_bucket "
    // The emulated catalog's functions (sql/catalog.cpp), which answer from what the session's
    // grants let it see.
    "col_description current_database current_schema current_schemas format_type "
    "has_column_privilege has_database_privilege has_function_privilege has_schema_privilege "
    "has_sequence_privilege has_table_privilege obj_description pg_backend_pid "
    "pg_cancel_backend pg_database_size pg_encoding_to_char pg_function_is_visible "
    "pg_get_constraintdef pg_get_expr pg_get_function_arguments "
    "pg_get_function_identity_arguments pg_get_function_result pg_get_indexdef pg_get_keywords "
    "pg_get_partkeydef pg_get_ruledef pg_get_serial_sequence pg_get_statisticsobjdef_columns "
    "pg_get_triggerdef pg_get_userbyid pg_get_viewdef pg_has_role pg_indexes_size "
    "pg_is_in_recovery pg_partition_ancestors pg_postmaster_start_time "
    "pg_relation_is_publishable pg_relation_size pg_size_pretty pg_table_is_visible "
    "pg_table_size pg_terminate_backend pg_total_relation_size pg_type_is_visible "
    "shobj_description txid_current _pg_expandarray";

// Table functions that produce rows from their arguments alone.
constexpr const char* kTableFunctions =
    "generate_series range unnest json_each json_tree repeat repeat_row generate_subscripts "
    "regexp_split_to_table string_to_table pg_timezone_names icu_calendar_names duckdb_keywords "
    "pg_get_keywords _pg_expandarray json_array_elements json_array_elements_text "
    "json_each_text jsonb_each jsonb_each_text jsonb_array_elements jsonb_array_elements_text "
    "json_object_keys jsonb_object_keys";

// Functions whose first argument names a relation: allowed with a privilege on it.
constexpr const char* kRelationFunctions =
    "nextval currval setval pragma_table_info pragma_show pragma_storage_info "
    "duckdb_table_sample";

// Names of both kinds whose table function reads more than its arguments: allowed as the
// aggregate in an expression, not in FROM (histogram('table', column) scans a table by name).
constexpr const char* kExpressionOnly = "histogram histogram_values";

// DuckDB's functions that are not allowed below owner, reviewed: they run SQL given as data,
// read files, show the server or other tenants' catalog entries, or change the engine.
constexpr const char* kRefused =
    "query query_table json_execute_serialized_sql json_serialize_plan sql_auto_complete "
    "summary seq_scan arrow_scan arrow_scan_dumb check_peg_parser enable_peg_parser "
    "disable_peg_parser checkpoint force_checkpoint enable_logging disable_logging "
    "truncate_duckdb_logs write_log parse_duckdb_log_message duckdb_logs duckdb_logs_parsed "
    "duckdb_log_contexts enable_profiling disable_profiling duckdb_profiling_settings "
    "get_block_size duckdb_approx_database_count duckdb_columns duckdb_connection_count "
    "duckdb_constraints duckdb_coordinate_systems duckdb_databases duckdb_dependencies "
    "duckdb_extensions duckdb_external_file_cache duckdb_functions duckdb_indexes duckdb_memory "
    "duckdb_optimizers duckdb_prepared_statements duckdb_schemas duckdb_secret_types "
    "duckdb_secrets duckdb_sequences duckdb_settings duckdb_tables duckdb_temporary_files "
    "duckdb_types duckdb_variables duckdb_views which_secret glob read_blob read_csv "
    "read_csv_auto read_duckdb read_json read_json_auto read_json_objects "
    "read_json_objects_auto read_ndjson read_ndjson_auto read_ndjson_objects read_parquet "
    "read_text parquet_bloom_probe parquet_file_metadata parquet_full_metadata "
    "parquet_kv_metadata parquet_metadata parquet_scan parquet_schema sniff_csv "
    "pragma_collations pragma_database_size pragma_metadata_info pragma_platform "
    "pragma_user_agent pragma_version test_all_types test_vector_types histogram_values";

std::set<std::string, std::less<>> words(std::initializer_list<const char*> lists) {
  std::set<std::string, std::less<>> out;
  for (const char* list : lists) {
    std::istringstream in(list);
    std::string w;
    while (in >> w) {
      for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.insert(w);
    }
  }
  return out;
}

}  // namespace

FunctionUse function_use(std::string_view name, bool in_from) {
  static const auto expressions = words({kDuckDbExpressionFunctions, kPostgresExpressionFunctions});
  static const auto tables = words({kTableFunctions});
  static const auto relations = words({kRelationFunctions});
  static const auto expression_only = words({kExpressionOnly});
  if (relations.count(name)) return FunctionUse::kNamesRelation;
  if (in_from) {
    // A scalar in FROM is PostgreSQL's one-row table; DuckDB refuses it itself.
    if (tables.count(name)) return FunctionUse::kAllowed;
    if (expression_only.count(name)) return FunctionUse::kNotAllowed;
  }
  if (expressions.count(name)) return FunctionUse::kAllowed;
  // ICU's collations, one function each (icu_collate_de, …).
  if (name.rfind("icu_collate_", 0) == 0) return FunctionUse::kAllowed;
  return FunctionUse::kNotAllowed;
}

bool builtin_function_schema(std::string_view schema) {
  return schema == "pg_catalog" || schema == "main" || schema == "system" ||
         schema == "duckgres_catalog" || schema == "information_schema" ||
         schema == "duckgres_information_schema";
}

bool is_engine_catalog_view(std::string_view name) {
  // system.main's and system.pg_catalog's views (duckdb_views() WHERE internal).
  static const auto views = words(
      {"duckdb_columns duckdb_constraints duckdb_databases duckdb_indexes duckdb_logs "
       "duckdb_schemas duckdb_tables duckdb_types duckdb_views pragma_database_list sqlite_master "
       "sqlite_schema sqlite_temp_master sqlite_temp_schema pg_am pg_attrdef pg_attribute "
       "pg_class pg_collation pg_constraint pg_database pg_depend pg_description pg_enum "
       "pg_index pg_indexes pg_namespace pg_prepared_statements pg_proc pg_sequence "
       "pg_sequences pg_settings pg_tables pg_tablespace pg_type pg_views"});
  return views.count(name) > 0;
}

const std::vector<std::string_view>& refused_functions() {
  static const std::vector<std::string_view> out = [] {
    static const auto names = words({kRefused});
    return std::vector<std::string_view>(names.begin(), names.end());
  }();
  return out;
}

}  // namespace ducklings::sql
