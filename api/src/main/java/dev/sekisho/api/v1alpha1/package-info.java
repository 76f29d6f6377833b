/**
 * Custom resource types of group {@code sekisho.dev}, version {@code v1alpha1}.
 *
 * <p>Plain Jackson POJOs without logic. The CRD YAML is generated from these classes by the fabric8
 * crd-generator at build time; every {@code @JsonPropertyDescription} becomes the field's
 * description in {@code kubectl explain}.
 */
package dev.sekisho.api.v1alpha1;
