package dev.inceptionclassifier.model.graph;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The one definition of an architecture: named stages (the reference implementation's module names, where a port
 * is checked stage by stage) and a head. The checkpoint layout, the output shape of every stage, the BatchNorm-folded
 * weights and every backend derive from it.
 *
 * @param className name of the network, an identifier (used as the TorchScript class name)
 * @param inChannels channels of the input image
 * @param stages the feature extractor, in order
 * @param head what turns the last stage's map into the output, e.g. global average pool and a linear classifier
 * @param auxiliary layers the reference trains with but never runs in eval (GoogLeNet's {@code aux1}/{@code aux2},
 *     Inception-v3's {@code AuxLogits}): a published checkpoint may carry their weights, which are accepted with
 *     their shapes checked and never loaded; their nodes only name those weights and are never executed
 */
public record NetworkGraph(String className, int inChannels, List<Stage> stages, Node head, List<Node> auxiliary) {

    /**
     * One stage of the feature extractor.
     *
     * @param name the reference implementation's module name, e.g. {@code features.3} or {@code repeat_1}
     * @param body what it computes
     */
    public record Stage(String name, Node body) {

        public Stage {
            Node.checkName(name);
        }
    }

    /** A network without auxiliary layers. */
    public NetworkGraph(String className, int inChannels, List<Stage> stages, Node head) {
        this(className, inChannels, stages, head, List.of());
    }

    public NetworkGraph {
        auxiliary = List.copyOf(auxiliary);
        if (className == null || !className.matches("[A-Za-z][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("class name must be an identifier: " + className);
        }
        stages = List.copyOf(stages);
        if (stages.isEmpty() || head == null) {
            throw new IllegalArgumentException(className + " needs stages and a head");
        }
        Set<String> names = new HashSet<>();
        for (Stage s : stages) {
            if (!names.add(s.name())) {
                throw new IllegalArgumentException(className + ": duplicate stage " + s.name());
            }
        }
        // every key once: a typo that gives two layers the same name must not load one tensor twice
        Set<String> keys = checkedKeys(stages, head).keySet();
        for (String aux : auxiliaryShapes(auxiliary).keySet()) {
            if (keys.contains(aux)) {
                throw new IllegalArgumentException(className + ": auxiliary key " + aux + " is also a network key");
            }
        }
    }

    /**
     * The checkpoint's float entries with their shapes, in state-dict order (module registration order), without
     * the int64 {@code num_batches_tracked} counters.
     */
    public LinkedHashMap<String, long[]> stateDictShapes() {
        return checkedKeys(stages, head);
    }

    /**
     * The float entries of the {@link #auxiliary} layers with their shapes: accepted in a checkpoint if their shapes
     * match, never loaded.
     */
    public LinkedHashMap<String, long[]> auxiliaryShapes() {
        return auxiliaryShapes(auxiliary);
    }

    /**
     * The weights once every BatchNorm is folded into the layer before it: per convolution or linear layer,
     * {@code <name>.weight} and (with a bias or a BatchNorm) {@code <name>.bias}. Stage weights first, then the
     * head's.
     */
    public LinkedHashMap<String, long[]> foldedShapes() {
        LinkedHashMap<String, long[]> shapes = new LinkedHashMap<>();
        Consumer<Node> add = n -> {
            if (n instanceof Node.Conv c) {
                shapes.put(c.name() + ".weight", new long[] {c.out(), c.in(), c.kh(), c.kw()});
                if (c.bias() || c.bn() != null) {
                    shapes.put(c.name() + ".bias", new long[] {c.out()});
                }
            } else if (n instanceof Node.Linear l) {
                shapes.put(l.name() + ".weight", new long[] {l.out(), l.in()});
                if (l.bias() || l.bn() != null) {
                    shapes.put(l.name() + ".bias", new long[] {l.out()});
                }
            }
        };
        stages.forEach(s -> walk(s.body(), add));
        walk(head, add);
        return shapes;
    }

    /** The folded weights that the head reads ({@link #foldedShapes} keys); the rest belong to the stages. */
    public Set<String> headWeights() {
        Set<String> keys = new HashSet<>();
        walk(head, n -> {
            if (n instanceof Node.Conv c) {
                keys.add(c.name() + ".weight");
                keys.add(c.name() + ".bias");
            } else if (n instanceof Node.Linear l) {
                keys.add(l.name() + ".weight");
                keys.add(l.name() + ".bias");
            }
        });
        keys.retainAll(foldedShapes().keySet());
        return keys;
    }

    /**
     * The output shape of every stage, then of the head (key {@code ""}), for an input of {@code height x width};
     * checks on the way that every layer gets the channels it was declared with and that concatenated branches
     * agree on height and width.
     *
     * @throws IllegalArgumentException naming the first layer that does not fit
     */
    public LinkedHashMap<String, Dims> outputShapes(int height, int width) {
        LinkedHashMap<String, Dims> out = new LinkedHashMap<>();
        Dims d = new Dims(inChannels, height, width);
        for (Stage s : stages) {
            d = ShapeInference.infer(s.body(), d, s.name());
            out.put(s.name(), d);
        }
        out.put("", ShapeInference.infer(head, d, "head"));
        return out;
    }

    /** Calls {@code visitor} on {@code node} and every node below it, depth first, in order. */
    public static void walk(Node node, Consumer<Node> visitor) {
        visitor.accept(node);
        if (node instanceof Node.Sequence s) {
            s.nodes().forEach(n -> walk(n, visitor));
        } else if (node instanceof Node.Concat c) {
            c.branches().forEach(n -> walk(n, visitor));
        } else if (node instanceof Node.Residual r) {
            walk(r.body(), visitor);
        }
    }

    private static LinkedHashMap<String, long[]> auxiliaryShapes(List<Node> auxiliary) {
        return auxiliary.isEmpty() ? new LinkedHashMap<>() : checkedKeys(List.of(), new Node.Sequence(auxiliary));
    }

    private static LinkedHashMap<String, long[]> checkedKeys(List<Stage> stages, Node head) {
        LinkedHashMap<String, long[]> keys = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        Consumer<Node> add = n -> {
            if (n instanceof Node.Conv c) {
                put(keys, duplicates, c.name() + ".weight", c.out(), c.in(), c.kh(), c.kw());
                if (c.bias()) {
                    put(keys, duplicates, c.name() + ".bias", c.out());
                }
                batchNorm(keys, duplicates, c.bn(), c.out());
            } else if (n instanceof Node.Linear l) {
                put(keys, duplicates, l.name() + ".weight", l.out(), l.in());
                if (l.bias()) {
                    put(keys, duplicates, l.name() + ".bias", l.out());
                }
                batchNorm(keys, duplicates, l.bn(), l.out());
            }
        };
        stages.forEach(s -> walk(s.body(), add));
        walk(head, add);
        if (!duplicates.isEmpty()) {
            throw new IllegalArgumentException("duplicate checkpoint keys " + duplicates);
        }
        return keys;
    }

    private static void batchNorm(
            LinkedHashMap<String, long[]> keys, List<String> duplicates, BatchNorm bn, int channels) {
        if (bn != null) {
            for (String entry : BatchNorm.ENTRIES) {
                put(keys, duplicates, bn.key(entry), channels);
            }
        }
    }

    private static void put(LinkedHashMap<String, long[]> keys, List<String> duplicates, String key, long... shape) {
        if (keys.putIfAbsent(key, shape) != null) {
            duplicates.add(key);
        }
    }
}
