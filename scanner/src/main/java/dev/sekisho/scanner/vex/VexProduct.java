package dev.sekisho.scanner.vex;

import java.util.List;
import java.util.Objects;

/**
 * What a statement is about: a product (the image, or a package) and, optionally, the subcomponents
 * of it the statement is limited to.
 *
 * @param product the product's package URL
 * @param subcomponents package URLs of the subcomponents; empty: the whole product
 */
public record VexProduct(Purl product, List<Purl> subcomponents) {
  public VexProduct {
    Objects.requireNonNull(product, "product");
    subcomponents = subcomponents == null ? List.of() : List.copyOf(subcomponents);
  }
}
