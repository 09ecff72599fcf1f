package io.quiver.perf;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The house rules (docs/architecture.md), checked on the compiled classes of every module: perf is the top module and
 * sees them all. A change that breaks one fails the build with the offending dependency named.
 */
class ArchitectureTest {
    private static JavaClasses quiver;

    @BeforeAll
    static void importClasses() {
        quiver = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.quiver");
    }

    /** Each module imports only modules below it; only the dataplane talks to the native bindings. */
    @Test
    void modulesAreLayered() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("native-bindings").definedBy("io.quiver.dpdk..", "io.quiver.openssl..")
                .layer("configstore").definedBy("io.quiver.configstore..")
                .layer("dataplane").definedBy("io.quiver.dataplane..")
                .layer("control").definedBy("io.quiver.control..")
                .layer("perf").definedBy("io.quiver.perf..")
                .whereLayer("perf").mayNotBeAccessedByAnyLayer()
                .whereLayer("control").mayOnlyBeAccessedByLayers("perf")
                .whereLayer("dataplane").mayOnlyBeAccessedByLayers("control", "perf")
                .whereLayer("configstore").mayOnlyBeAccessedByLayers("dataplane", "control", "perf")
                .whereLayer("native-bindings").mayOnlyBeAccessedByLayers("dataplane")
                .check(quiver);
    }

    /** No package of any module is part of a dependency cycle, subpackages included. */
    @Test
    void noPackageCycles() {
        slices().matching("io.quiver.(**)").should().beFreeOfCycles().check(quiver);
    }

    /** The control side's service layer is the floor its rooms stand on: it knows none of them. */
    @Test
    void theServiceLayerKnowsNoneOfItsUsers() {
        noClasses().that().resideInAPackage("io.quiver.control.service..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quiver.control.rest..", "io.quiver.control.cli..",
                        "io.quiver.control.daemon..", "io.quiver.control.guest..", "io.quiver.control.lab..")
                .check(quiver);
    }

    /** The dataplane's config package holds the defaults every other package reads: it reads none of them. */
    @Test
    void theDefaultsAreALeaf() {
        noClasses().that().resideInAPackage("io.quiver.dataplane.config..")
                .should().dependOnClassesThat().resideInAPackage("io.quiver..")
                .check(quiver);
    }
}
