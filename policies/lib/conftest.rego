# conftest's `data.conftest.file`: the file the object being evaluated comes from, so
# conftest policies that read it run unchanged. `name` is the repository-relative path (for a
# rendered object, the base file it came from), `dir` its directory (`.` at the root).
package conftest

import rego.v1

file := {"name": name, "dir": _dir(name)} if {
	name := gitgate.context().file
	is_string(name)
}

_dir(name) := "." if not contains(name, "/")

_dir(name) := concat("/", array.slice(parts, 0, count(parts) - 1)) if {
	contains(name, "/")
	parts := split(name, "/")
}
