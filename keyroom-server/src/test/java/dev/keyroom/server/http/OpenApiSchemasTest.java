package dev.keyroom.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.audit.AuditChain;
import dev.keyroom.protocol.dto.ErrorDtos;
import dev.keyroom.protocol.dto.GatewayDtos;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The document's schemas are the wire's records: each JSON body record of {@code protocol.dto} (the
 * gateway's own API aside) has a schema of its simple name whose properties are exactly the names
 * Jackson gives the record's components on the wire, with matching types, no others allowed, and
 * every primitive (always sent) required; and every request body and object schema is one of them.
 */
class OpenApiSchemasTest {
    /** Wire records outside {@code protocol.dto}, by schema name. */
    static final Map<String, Class<?>> ELSEWHERE = Map.of("AuditEntry", AuditChain.Entry.class);

    /** Object schemas that are not records: the metrics route answers a map. */
    static final Set<String> NOT_RECORDS = Set.of("Metrics");

    static OpenApiFile file;
    static JsonNode schemas;
    static Map<String, Class<?>> records;

    @BeforeAll
    static void read() throws Exception {
        file = OpenApiFile.read();
        schemas = file.doc().at("/components/schemas");
        records = new TreeMap<>(ELSEWHERE);
        for (Class<?> holder : dtoHolders()) {
            if (holder == GatewayDtos.class) {
                continue;
            }
            for (Class<?> c : holder.getDeclaredClasses()) {
                if (c.isRecord()) {
                    assertThat(records.put(c.getSimpleName(), c))
                            .as("two wire records are named %s", c.getSimpleName())
                            .isNull();
                }
            }
        }
        assertThat(records).containsKeys("Error", "UserCreate", "Health");
    }

    /** Every {@code *Dtos} class of the protocol's dto package, found where the classes are (a directory or a jar). */
    static List<Class<?>> dtoHolders() throws IOException, URISyntaxException, ClassNotFoundException {
        String pkg = ErrorDtos.class.getPackageName();
        String dir = pkg.replace('.', '/');
        Path location = Path.of(ErrorDtos.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.list(location.resolve(dir))) {
                files.map(p -> p.getFileName().toString()).forEach(names::add);
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                jar.stream()
                        .map(e -> e.getName())
                        .filter(n -> n.startsWith(dir + "/") && n.indexOf('/', dir.length() + 1) < 0)
                        .map(n -> n.substring(dir.length() + 1))
                        .forEach(names::add);
            }
        }
        List<Class<?>> out = new ArrayList<>();
        for (String n : names) {
            if (n.endsWith("Dtos.class")) {
                out.add(Class.forName(pkg + "." + n.substring(0, n.length() - ".class".length())));
            }
        }
        assertThat(out).hasSizeGreaterThan(5);
        return out;
    }

    @Test
    void everyWireRecord_hasTheSchemaOfItsComponents() {
        for (Map.Entry<String, Class<?>> r : records.entrySet()) {
            String name = r.getKey();
            Class<?> type = r.getValue();
            JsonNode schema = schemas.path(name);
            assertThat(schema.isObject()).as("a schema for %s", name).isTrue();
            assertThat(schema.path("type").asString()).as(name).isEqualTo("object");
            assertThat(schema.path("additionalProperties").isBoolean()
                            && !schema.path("additionalProperties").asBoolean())
                    .as("%s allows no other properties: the server refuses unknown fields", name)
                    .isTrue();
            Map<String, RecordComponent> wire = wireNames(type);
            assertThat(new TreeSet<>(schema.path("properties").propertyNames()))
                    .as("%s's properties are %s's components as Jackson names them", name, type.getName())
                    .isEqualTo(new TreeSet<>(wire.keySet()));
            Set<String> required = new TreeSet<>();
            schema.path("required").values().forEach(v -> required.add(v.asString()));
            assertThat(wire.keySet())
                    .as("%s requires only its properties", name)
                    .containsAll(required);
            for (Map.Entry<String, RecordComponent> c : wire.entrySet()) {
                String where = name + "." + c.getKey();
                if (c.getValue().getType().isPrimitive()) {
                    assertThat(required).as("%s is always sent", where).contains(c.getKey());
                }
                assertMatches(
                        where,
                        c.getValue().getGenericType(),
                        schema.path("properties").path(c.getKey()));
            }
        }
    }

    @Test
    void everyObjectSchema_isAWireRecord() {
        List<String> strays = new ArrayList<>();
        for (Map.Entry<String, JsonNode> s : schemas.properties()) {
            if (s.getValue().has("properties")
                    && !records.containsKey(s.getKey())
                    && !NOT_RECORDS.contains(s.getKey())) {
                strays.add(s.getKey());
            }
        }
        assertThat(strays).as("object schemas that no record backs").isEmpty();
    }

    @Test
    void everyJsonRequestBody_isAWireRecord() {
        int bodies = 0;
        for (OpenApiFile.Operation op : file.operations()) {
            JsonNode json = op.node().at("/requestBody/content/application~1json/schema");
            if (json.isMissingNode()) {
                continue;
            }
            bodies++;
            String ref = json.path("$ref").asString();
            assertThat(ref).as("%s takes a named schema", op).startsWith("#/components/schemas/");
            assertThat(records).as("%s takes a wire record", op).containsKey(ref.substring(ref.lastIndexOf('/') + 1));
        }
        assertThat(bodies).isGreaterThan(5);
    }

    /** The names Jackson writes for {@code type}'s components, read off a sample it renders. */
    static Map<String, RecordComponent> wireNames(Class<?> type) {
        JsonNode rendered = Json.mapper().readTree(Json.write(sample(type)));
        RecordComponent[] components = type.getRecordComponents();
        List<String> names = new ArrayList<>(rendered.propertyNames());
        assertThat(names).as("%s renders every component", type.getName()).hasSize(components.length);
        Map<String, RecordComponent> out = new TreeMap<>();
        for (int i = 0; i < components.length; i++) {
            assertThat(names.get(i).replace("_", ""))
                    .as("%s renders its components in order", type.getName())
                    .isEqualToIgnoringCase(components[i].getName());
            out.put(names.get(i), components[i]);
        }
        return out;
    }

    /** An instance with every component set, so that none is left out of its rendering. */
    static Object sample(Class<?> type) {
        if (type == String.class) {
            return "x";
        } else if (type == long.class || type == Long.class) {
            return 1L;
        } else if (type == int.class || type == Integer.class) {
            return 1;
        } else if (type == boolean.class || type == Boolean.class) {
            return true;
        } else if (type == double.class || type == Double.class) {
            return 1.0;
        } else if (type == List.class) {
            return List.of();
        } else if (type == Map.class) {
            return Map.of();
        } else if (type.isRecord()) {
            RecordComponent[] cs = type.getRecordComponents();
            Object[] args = new Object[cs.length];
            Class<?>[] types = new Class<?>[cs.length];
            for (int i = 0; i < cs.length; i++) {
                types[i] = cs[i].getType();
                args[i] = sample(types[i]);
            }
            try {
                return type.getDeclaredConstructor(types).newInstance(args);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError("cannot make a " + type.getName(), e);
            }
        }
        throw new AssertionError("no sample for " + type.getName());
    }

    /** Whether {@code schema} describes values of {@code type} (a reference: the record of that name). */
    static void assertMatches(String where, Type type, JsonNode schema) {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (raw.isRecord()) {
            assertThat(schema.path("$ref").asString())
                    .as("%s names its record's schema", where)
                    .isEqualTo("#/components/schemas/" + schemaName(raw));
            return;
        }
        JsonNode resolved = file.deref(schema);
        Set<String> types = new TreeSet<>();
        if (resolved.path("type").isArray()) {
            resolved.path("type").values().forEach(t -> types.add(t.asString()));
        } else {
            types.add(resolved.path("type").asString());
        }
        if (!raw.isPrimitive()) {
            types.remove("null");
        }
        assertThat(types).as("%s's JSON type", where).containsExactly(jsonType(raw));
        if (type instanceof ParameterizedType p && raw == List.class) {
            assertMatches(where + "[]", p.getActualTypeArguments()[0], resolved.path("items"));
        } else if (type instanceof ParameterizedType p && raw == Map.class) {
            assertMatches(where + "{}", p.getActualTypeArguments()[1], resolved.path("additionalProperties"));
        }
    }

    static String schemaName(Class<?> record) {
        return ELSEWHERE.entrySet().stream()
                .filter(e -> e.getValue() == record)
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(record.getSimpleName());
    }

    static String jsonType(Class<?> raw) {
        if (raw == String.class) {
            return "string";
        } else if (raw == long.class || raw == Long.class || raw == int.class || raw == Integer.class) {
            return "integer";
        } else if (raw == boolean.class || raw == Boolean.class) {
            return "boolean";
        } else if (raw == double.class || raw == Double.class) {
            return "number";
        } else if (raw == List.class) {
            return "array";
        } else if (raw == Map.class) {
            return "object";
        }
        throw new AssertionError("no JSON type for " + raw.getName());
    }
}
