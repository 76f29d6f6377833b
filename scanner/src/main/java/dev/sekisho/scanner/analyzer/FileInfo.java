package dev.sekisho.scanner.analyzer;

/**
 * Size and permission bits of a regular file in a layer.
 *
 * @param size size in bytes
 * @param mode Unix permission bits (e.g. 0755)
 */
public record FileInfo(long size, int mode) {
  /** True when any execute bit is set. */
  public boolean executable() {
    return (mode & 0111) != 0;
  }
}
