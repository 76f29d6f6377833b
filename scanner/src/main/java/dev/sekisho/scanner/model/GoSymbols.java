package dev.sekisho.scanner.model;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The functions of one Go module (or of the standard library) that a binary's symbol table names,
 * for reachability: which of an advisory's vulnerable symbols the binary contains.
 *
 * @param complete the functions the compiler inlined were read too (the binary still has its {@code
 *     .symtab}), so a symbol absent here is not in the binary; when false, only the functions
 *     compiled on their own are known and an absent symbol may have been inlined
 * @param packages package path to its symbols in govulncheck's form ({@code Parse}, {@code
 *     Tag.String}), sorted
 */
public record GoSymbols(boolean complete, Map<String, List<String>> packages) {

  public GoSymbols {
    packages = packages == null ? Map.of() : new TreeMap<>(packages);
    packages.replaceAll((k, v) -> List.copyOf(v));
  }

  /** The symbols of {@code pkg}, empty when the binary has none of that package. */
  public List<String> symbols(String pkg) {
    return packages.getOrDefault(pkg, List.of());
  }
}
