package dev.inceptionclassifier;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package rules of {@code ../shared/STYLE.md} ("Layout"), checked on the main classes. Data flows
 * {@code api -> image -> inference -> model}; {@code config} alone knows the {@code classifier.*} tree and wires the
 * others; no package or subpackage depends on one that depends back on it. When a rule fails, change the code, not
 * the rule (docs/architecture.md, "Package rules").
 */
@AnalyzeClasses(packages = "dev.inceptionclassifier", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

    private static final String API = "dev.inceptionclassifier.api..";
    private static final String IMAGE = "dev.inceptionclassifier.image..";
    private static final String INFERENCE = "dev.inceptionclassifier.inference..";
    private static final String MODEL = "dev.inceptionclassifier.model..";
    private static final String CONFIG = "dev.inceptionclassifier.config..";

    @ArchTest
    static final ArchRule apiUsesImageAndInferenceOnly = noClasses()
            .that()
            .resideInAPackage(API)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(MODEL, CONFIG)
            .because("api reads the model catalogue through inference and gets its settings from config");

    @ArchTest
    static final ArchRule inferenceUsesModelOnly = noClasses()
            .that()
            .resideInAPackage(INFERENCE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(API, CONFIG);

    @ArchTest
    static final ArchRule modelUsesNoneOfTheOthers = noClasses()
            .that()
            .resideInAPackage(MODEL)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(API, INFERENCE, CONFIG);

    @ArchTest
    static final ArchRule modelAndInferenceDoNotPreprocess = noClasses()
            .that()
            .resideInAnyPackage(MODEL, INFERENCE)
            .should()
            .dependOnClassesThat()
            .resideInAPackage(IMAGE)
            .because("images are decoded and preprocessed before they reach inference");

    @ArchTest
    static final ArchRule imageIsPure = noClasses()
            .that()
            .resideInAPackage(IMAGE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(API, INFERENCE, MODEL, CONFIG, "org.springframework..", "ai.djl..")
            .because("image decodes and preprocesses with plain Java, usable from anywhere");

    @ArchTest
    static final ArchRule onlyConfigKnowsTheProperties = noClasses()
            .that()
            .resideOutsideOfPackage(CONFIG)
            .should()
            .dependOnClassesThat()
            .haveNameMatching("dev\\.inceptionclassifier\\.config\\.ClassifierProperties(\\$.*)?")
            .because("config builds each package the small settings record it needs");

    @ArchTest
    static final ArchRule noCycles = slices().matching("dev.inceptionclassifier.(**)")
            .should()
            .beFreeOfCycles()
            .because("types shared by a package and its subpackages belong in a leaf");
}
