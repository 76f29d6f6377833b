package dev.sekisho.scanner.sbom;

import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.License;
import org.cyclonedx.model.LicenseChoice;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.metadata.ToolInformation;

/**
 * Writes an inventory as a CycloneDX 1.6 JSON SBOM with cyclonedx-core-java. The image is the
 * metadata component, the operating system an "operating-system" component, each package a
 * "library" component with its purl, declared licenses and Sekisho properties (exact name, source
 * package, layer and path) so that {@link SbomReader} restores the same inventory.
 */
public final class CycloneDxWriter {
  /** The CycloneDX version written. */
  public static final Version VERSION = Version.VERSION_16;

  private final String toolVersion;

  /**
   * @param toolVersion Sekisho's version, recorded as the tool that made the SBOM
   */
  public CycloneDxWriter(String toolVersion) {
    this.toolVersion = toolVersion;
  }

  /** The inventory as a CycloneDX model, for callers that add more (e.g. vulnerabilities). */
  public Bom toBom(Inventory inventory) {
    Bom bom = new Bom();
    bom.setSerialNumber("urn:uuid:" + UUID.randomUUID());
    Metadata metadata = new Metadata();
    metadata.setTimestamp(new Date());
    Component tool = new Component();
    tool.setType(Component.Type.APPLICATION);
    tool.setName("sekisho");
    tool.setVersion(toolVersion);
    ToolInformation tools = new ToolInformation();
    tools.setComponents(List.of(tool));
    metadata.setToolChoice(tools);
    metadata.setComponent(imageComponent(inventory.image()));
    bom.setMetadata(metadata);

    List<Component> components = new ArrayList<>();
    OperatingSystem os = inventory.os();
    if (os != null) {
      Component c = new Component();
      c.setType(Component.Type.OPERATING_SYSTEM);
      c.setBomRef("os");
      c.setName(os.family());
      c.setVersion(os.version());
      c.setDescription(os.prettyName());
      if (os.codename() != null) {
        c.setProperties(List.of(new Property(SbomProperties.OS_CODENAME, os.codename())));
      }
      components.add(c);
    }
    int i = 0;
    for (Package p : inventory.packages()) {
      components.add(component(p, "pkg-" + i++));
    }
    bom.setComponents(components);
    return bom;
  }

  /** The inventory as CycloneDX 1.6 JSON. */
  public String toJson(Inventory inventory) {
    return toJson(toBom(inventory));
  }

  /** A CycloneDX model as CycloneDX 1.6 JSON. */
  public static String toJson(Bom bom) {
    try {
      return BomGeneratorFactory.createJson(VERSION, bom).toJsonString();
    } catch (GeneratorException e) {
      throw new IllegalStateException("cannot write CycloneDX JSON: " + e.getMessage(), e);
    }
  }

  private static Component imageComponent(ImageFacts image) {
    Component c = new Component();
    c.setType(Component.Type.CONTAINER);
    c.setBomRef("image");
    if (image == null) {
      c.setName("unknown");
      return c;
    }
    String name = image.reference();
    if (name == null || name.isEmpty()) {
      name = image.repository() == null ? "unknown" : image.repository();
    }
    c.setName(name);
    c.setVersion(image.digest());
    return c;
  }

  private static Component component(Package p, String bomRef) {
    Component c = new Component();
    c.setType(Component.Type.LIBRARY);
    c.setBomRef(bomRef);
    c.setName(p.name());
    c.setVersion(p.version());
    if (p.purl() != null) {
      c.setPurl(p.purl());
    }
    if (!p.licenses().isEmpty()) {
      LicenseChoice lc = new LicenseChoice();
      for (String l : p.licenses()) {
        License license = new License();
        license.setName(l);
        lc.addLicense(license);
      }
      c.setLicenses(lc);
    }
    List<Property> props = new ArrayList<>();
    props.add(new Property(SbomProperties.TYPE, p.type().purlType()));
    props.add(new Property(SbomProperties.NAME, p.name()));
    if (p.sourceName() != null) {
      props.add(new Property(SbomProperties.SOURCE_NAME, p.sourceName()));
    }
    if (p.sourceVersion() != null) {
      props.add(new Property(SbomProperties.SOURCE_VERSION, p.sourceVersion()));
    }
    if (p.location() != null) {
      if (p.location().layerDigest() != null) {
        props.add(new Property(SbomProperties.LAYER, p.location().layerDigest()));
      }
      props.add(new Property(SbomProperties.PATH, p.location().path()));
    }
    c.setProperties(props);
    return c;
  }
}
