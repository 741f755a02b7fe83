# Sourced by the bench scripts that link a tool against the release build's module objects:
# `module_objects Ledger Money` prints the object of every source file each module has now, so a
# stale object of a file since removed (left in .build) is never linked.
module_objects() {
  local module file
  for module in "$@"; do
    for file in Sources/"$module"/*.swift; do
      printf '%s\n' ".build/release/$module.build/$(basename "$file").o"
    done
  done
}
