package dev.inceptionclassifier.docs;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.bind.DefaultValue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code classifier.*} properties as Spring's configuration processor describes them
 * ({@code META-INF/spring-configuration-metadata.json}, written at compile time), with each one's numeric bounds read
 * from the validation annotations of its record component. The processor describes a list of records
 * ({@code classifier.models}) as one property; its elements' properties are added here as
 * {@code classifier.models[i].name}, the way the documentation writes them (maps: {@code <key>}).
 */
final class ConfigurationMetadata {

    static final String PREFIX = "classifier.";
    private static final String METADATA = "META-INF/spring-configuration-metadata.json";
    private static final String OUR_TYPES = "dev.inceptionclassifier.";
    private static final Pattern COLLECTION = Pattern.compile("java\\.util\\.(?:List|Set|Collection)<(.+)>");
    private static final Pattern MAP = Pattern.compile("java\\.util\\.Map<[^,]+,(.+)>");

    /**
     * One property.
     *
     * @param name its documented name, e.g. {@code classifier.inference.workers} or {@code classifier.models[i].seed}
     * @param defaultValue its default as text, or null when it has none (or one computed at run time)
     * @param bounds its numeric bounds ({@code 1..64}, {@code >= 1}, {@code > 0}), or null when it has none
     */
    record Property(String name, String defaultValue, String bounds) {}

    private ConfigurationMetadata() {}

    /** Every {@code classifier.*} property, by name. */
    static Map<String, Property> classifierProperties() {
        Map<String, Property> properties = new TreeMap<>();
        for (JsonNode p : metadataProperties()) {
            String name = p.get("name").asString();
            if (!name.startsWith(PREFIX)) {
                continue;
            }
            JsonNode def = p.get("defaultValue");
            Parameter parameter = parameter(p.path("sourceType").asString(null), name);
            properties.put(
                    name,
                    new Property(
                            name,
                            def == null || def.isNull() ? null : text(def),
                            parameter == null ? null : bounds(parameter)));
            String type = p.path("type").asString("");
            Matcher list = COLLECTION.matcher(type);
            Matcher map = MAP.matcher(type);
            if (list.matches()) {
                addElements(properties, name + "[i].", list.group(1));
            } else if (map.matches()) {
                addElements(properties, name + ".<key>.", map.group(1));
            }
        }
        return properties;
    }

    private static List<JsonNode> metadataProperties() {
        List<JsonNode> all = new ArrayList<>();
        JsonMapper json = JsonMapper.builder().build();
        try {
            for (URL url : Collections.list(
                    ConfigurationMetadata.class.getClassLoader().getResources(METADATA))) {
                try (InputStream in = url.openStream()) {
                    json.readTree(in).path("properties").forEach(all::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    /** The properties of one element of a list or map of our records (nested records and lists of them too). */
    private static void addElements(Map<String, Property> properties, String prefix, String typeName) {
        if (!typeName.startsWith(OUR_TYPES)) {
            return; // a list of strings, numbers, ...: one property, already there
        }
        Class<?> type = load(typeName);
        if (!type.isRecord()) {
            return;
        }
        RecordComponent[] components = type.getRecordComponents();
        Parameter[] parameters = canonicalConstructor(type).getParameters();
        for (int i = 0; i < components.length; i++) {
            String name = prefix + kebab(components[i].getName());
            Class<?> componentType = components[i].getType();
            if (componentType.isRecord() && componentType.getName().startsWith(OUR_TYPES)) {
                addElements(properties, name + ".", componentType.getName());
                continue;
            }
            Type generic = components[i].getGenericType();
            if (Collection.class.isAssignableFrom(componentType)
                    && generic instanceof ParameterizedType pt
                    && pt.getActualTypeArguments()[0] instanceof Class<?> element
                    && element.isRecord()
                    && element.getName().startsWith(OUR_TYPES)) {
                addElements(properties, name + "[i].", element.getName());
                continue;
            }
            DefaultValue def = parameters[i].getAnnotation(DefaultValue.class);
            String defaultValue = def != null && def.value().length > 0 ? String.join(",", def.value()) : null;
            properties.put(name, new Property(name, defaultValue, bounds(parameters[i])));
        }
    }

    /** The constructor parameter that binds {@code name} in {@code sourceType}, or null if there is none. */
    private static Parameter parameter(String sourceType, String name) {
        if (sourceType == null || !sourceType.startsWith(OUR_TYPES)) {
            return null;
        }
        Class<?> type = load(sourceType);
        if (!type.isRecord()) {
            return null;
        }
        String component = camel(name.substring(name.lastIndexOf('.') + 1));
        RecordComponent[] components = type.getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            if (components[i].getName().equals(component)) {
                return canonicalConstructor(type).getParameters()[i];
            }
        }
        return null;
    }

    /** {@code 1..64}, {@code >= 1}, {@code <= 9}, {@code > 0} or {@code 0.1..1.0}, from the constraints; or null. */
    static String bounds(Parameter p) {
        Min min = p.getAnnotation(Min.class);
        Max max = p.getAnnotation(Max.class);
        DecimalMin dmin = p.getAnnotation(DecimalMin.class);
        DecimalMax dmax = p.getAnnotation(DecimalMax.class);
        String low = min != null ? Long.toString(min.value()) : dmin != null ? dmin.value() : null;
        String high = max != null ? Long.toString(max.value()) : dmax != null ? dmax.value() : null;
        if (low != null && high != null) {
            return low + ".." + high;
        }
        if (low != null) {
            return ">= " + low;
        }
        if (high != null) {
            return "<= " + high;
        }
        return p.isAnnotationPresent(Positive.class) ? "> 0" : null;
    }

    private static String text(JsonNode value) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(v.asString()));
            return String.join(",", items);
        }
        return value.asString();
    }

    private static Constructor<?> canonicalConstructor(Class<?> record) {
        Class<?>[] types = Arrays.stream(record.getRecordComponents())
                .map(RecordComponent::getType)
                .toArray(Class<?>[]::new);
        try {
            return record.getDeclaredConstructor(types);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("no canonical constructor in " + record, e);
        }
    }

    private static Class<?> load(String binaryName) {
        try {
            return Class.forName(binaryName, false, ConfigurationMetadata.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(
                    "the configuration metadata names a type that is not there: " + binaryName, e);
        }
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    static String camel(String kebab) {
        StringBuilder b = new StringBuilder();
        boolean upper = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }
}
