/**
 * Which plain scalars a YAML 1.1 reader does not read back as the same string. kubectl (and
 * client-go) decode manifests with sigs.k8s.io/yaml over go-yaml v2, a YAML 1.1 resolver: `on`,
 * `no`, `y` are booleans, `~` is null, `1_000`, `0b11`, `0o17`, `012`, `1e3` are numbers,
 * `2024-01-01` a timestamp, `<<` a merge key. The API server then rejects the object, whose
 * fields are strings. The manifest writer (yaml.ts) double-quotes every string this returns true
 * for, on top of what the `yaml` package's own YAML 1.1 schema quotes (sexagesimal `1:20`, ...).
 */

/** go-yaml v2's resolve table (resolve.go) for the words it reads as bool, null, float or merge. */
const WORDS = new Set([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE'],
  ...['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE'],
  ...['~', 'null', 'Null', 'NULL', '<<'],
  ...['.nan', '.NaN', '.NAN'],
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF'],
]);

/** Go's strconv.ParseInt/ParseUint with base 0, after go-yaml removes every `_`. */
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/;
/** go-yaml v2's yamlStyleFloat, also after removing `_`. */
const GO_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** go-yaml v2 tries a timestamp on anything that starts `YYYY-`; quoting all of them is the safe side. */
const TIMESTAMP_LIKE = /^[0-9]{4}-/;
/** The YAML 1.1 spec's floats as the `yaml` package reads them (`.`, `1.`, `1_0.5`, `E0`), and sexagesimal (`1:20`). */
const Y11_FLOAT = /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?$/;
const Y11_FLOAT_EXP = /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/;
const Y11_SEXAGESIMAL = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/**
 * True when a YAML 1.1 reader (kubectl's go-yaml v2, or the YAML 1.1 schema as the `yaml` package
 * reads it) reads the plain scalar `s` as something other than the string `s`.
 */
export function misreadAsYaml11(s: string): boolean {
  if (s === '' || WORDS.has(s) || Y11_FLOAT_EXP.test(s)) return true;
  if (!/^[-+.0-9]/.test(s)) return false;
  const plain = s.replace(/_/g, '');
  return GO_INT.test(plain) || GO_FLOAT.test(plain) || TIMESTAMP_LIKE.test(s) || Y11_FLOAT.test(s) || Y11_SEXAGESIMAL.test(s);
}
