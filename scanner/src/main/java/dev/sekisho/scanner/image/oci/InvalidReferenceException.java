package dev.sekisho.scanner.image.oci;

/** A malformed image reference or target. The message names the input and the problem. */
public class InvalidReferenceException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String input;

  public InvalidReferenceException(String input, String problem) {
    super("invalid image reference \"" + input + "\": " + problem);
    this.input = input;
  }

  public InvalidReferenceException(String input, String message, boolean raw) {
    super(message);
    this.input = input;
  }

  /** The input as given. */
  public String input() {
    return input;
  }
}
