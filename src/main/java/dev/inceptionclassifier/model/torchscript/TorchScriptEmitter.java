package dev.inceptionclassifier.model.torchscript;

import dev.inceptionclassifier.model.graph.NetworkGraph;
import dev.inceptionclassifier.model.graph.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes an architecture description as a weightless TorchScript class, in the serialized form that
 * {@code torch.jit.save} stores under {@code code/__torch__.py} (checked against what PyTorch 1.13 writes and
 * loaded by libtorch 1.13 and 2.7).
 *
 * <p>The class holds no weights until its {@code load} method is called with them:
 * <ul>
 * <li>{@code load(body, head, dtype, head_dtype, channels_last) -> int} keeps copies of the stage weights
 * ({@code body}, cast to {@code dtype}, 4-d ones made channels-last if asked) and of the head's weights ({@code head},
 * cast to {@code head_dtype}), and returns how many it holds. Always copies: DJL's CPU tensors may borrow Java-owned
 * buffers that are freed once the caller's NDArrays close. Weights are BatchNorm-folded: every convolution or linear
 * layer reads {@code <name>.weight} and, if it has a bias or a BatchNorm, {@code <name>.bias}.</li>
 * <li>{@code forward(x)} casts the input to {@code dtype} (channels-last if asked), runs the stages, casts to
 * {@code head_dtype} and runs the head: the output leaves in {@code head_dtype} whatever the stages computed in.</li>
 * <li>{@code stages(x)} returns every stage's output and then the head's, all in {@code head_dtype}, for
 * checking a port stage by stage.</li>
 * <li>{@code weight_bytes()} is the memory its weights take, as libtorch counts it.</li>
 * </ul>
 * Only {@code aten} operators are called, so the program needs no helper files and no Python.
 */
public final class TorchScriptEmitter {

    /** {@code torch.dtype} codes as TorchScript stores them. */
    public static final int FLOAT16 = 5;

    public static final int FLOAT32 = 6;
    public static final int FLOAT64 = 7;
    public static final int BFLOAT16 = 15;

    private TorchScriptEmitter() {}

    /** The TorchScript source of {@code graph}'s class, named {@link NetworkGraph#className()}. */
    public static String emit(NetworkGraph graph) {
        String self = "self: __torch__." + graph.className();
        StringBuilder out = new StringBuilder();
        out.append("class ").append(graph.className()).append("(Module):\n");
        out.append("  __parameters__ = []\n");
        out.append("  __buffers__ = []\n");
        for (String[] attribute : TorchScriptArchive.ATTRIBUTES) {
            out.append("  ")
                    .append(attribute[0])
                    .append(" : ")
                    .append(attribute[1])
                    .append('\n');
        }

        List<String> stageMethods = new ArrayList<>();
        for (int i = 0; i < graph.stages().size(); i++) {
            stageMethods.add(String.format(
                    Locale.ROOT, "s%02d_%s", i, graph.stages().get(i).name().replace('.', '_')));
        }

        out.append("  def forward(").append(self).append(",\n    x: Tensor) -> Tensor:\n");
        out.append("    t = self._input(x)\n");
        for (String m : stageMethods) {
            out.append("    t = self.").append(m).append("(t)\n");
        }
        out.append("    return self.head(t)\n");

        out.append("  def stages(").append(self).append(",\n    x: Tensor) -> List[Tensor]:\n");
        out.append("    outs = annotate(List[Tensor], [])\n");
        out.append("    t = self._input(x)\n");
        out.append("    dtype = self.head_dtype\n");
        for (String m : stageMethods) {
            out.append("    t = self.").append(m).append("(t)\n");
            out.append("    _ = torch.append(outs, torch.to(t, dtype))\n");
        }
        out.append("    _ = torch.append(outs, self.head(t))\n");
        out.append("    return outs\n");

        out.append("""
                  def load(SELF,
                    body: Dict[str, Tensor],
                    head: Dict[str, Tensor],
                    dtype: int,
                    head_dtype: int,
                    channels_last: bool) -> int:
                    w = self.w
                    b = torch.items(body)
                    for i in range(torch.len(b)):
                      k, v, = b[i]
                      if channels_last:
                        if torch.eq(torch.dim(v), 4):
                          v1 = torch.to(v, dtype, False, True, 2)
                        else:
                          v1 = torch.to(v, dtype, False, True)
                      else:
                        v1 = torch.to(v, dtype, False, True)
                      torch._set_item(w, k, v1)
                    h = self.h
                    c = torch.items(head)
                    for j in range(torch.len(c)):
                      k0, v2, = c[j]
                      torch._set_item(h, k0, torch.to(v2, head_dtype, False, True))
                    self.dtype = dtype
                    self.head_dtype = head_dtype
                    self.channels_last = channels_last
                    return torch.add(torch.len(w), torch.len(h))
                  def weight_bytes(SELF) -> int:
                    n = 0
                    for d in [self.w, self.h]:
                      t = torch.values(d)
                      for i in range(torch.len(t)):
                        n = torch.add(n, torch.mul(torch.numel(t[i]), torch.element_size(t[i])))
                    return n
                  def _input(SELF,
                    x: Tensor) -> Tensor:
                    y = torch.to(x, self.dtype)
                    if self.channels_last:
                      y0 = torch.contiguous(y, memory_format=2)
                    else:
                      y0 = y
                    return y0
                """.replace("SELF", self));

        for (int i = 0; i < stageMethods.size(); i++) {
            method(
                    out,
                    self,
                    stageMethods.get(i),
                    "w",
                    null,
                    graph.stages().get(i).body());
        }
        method(out, self, "head", "h", "self.head_dtype", graph.head());
        return out.toString();
    }

    private static void method(StringBuilder out, String self, String name, String weights, String castTo, Node body) {
        Method m = new Method(weights);
        m.line(weights + " = self." + weights);
        String in = "x";
        if (castTo != null) {
            in = m.assign("torch.to(x, " + castTo + ")");
        }
        String result = m.emit(body, in);
        m.line("return " + result);
        out.append("  def ").append(name).append('(').append(self).append(",\n    x: Tensor) -> Tensor:\n");
        out.append(m.body);
    }

    /** The statements of one method, with fresh temporaries {@code t0, t1, ...}. */
    private static final class Method {

        private final String weights;
        private final StringBuilder body = new StringBuilder();
        private int next;

        Method(String weights) {
            this.weights = weights;
        }

        void line(String statement) {
            body.append("    ").append(statement).append('\n');
        }

        String assign(String expression) {
            String t = "t" + next++;
            line(t + " = " + expression);
            return t;
        }

        String weight(String key) {
            return weights + "[\"" + key + "\"]";
        }

        /** Emits {@code node} applied to the variable {@code in}; returns the variable holding its output. */
        String emit(Node node, String in) {
            if (node instanceof Node.Conv c) {
                String bias = c.bias() || c.bn() != null ? weight(c.name() + ".bias") : "None";
                String y = assign("torch.conv2d(" + in + ", " + weight(c.name() + ".weight") + ", " + bias + ", "
                        + pair(c.strideH(), c.strideW()) + ", " + pair(c.padH(), c.padW()) + ")");
                // the convolution's output is fresh, so the ReLU may overwrite it
                return c.relu() ? assign("torch.relu_(" + y + ")") : y;
            }
            if (node instanceof Node.MaxPool p) {
                return assign("torch.max_pool2d(" + in + ", " + pair(p.kh(), p.kw()) + ", "
                        + pair(p.strideH(), p.strideW()) + ", " + pair(p.padH(), p.padW()) + ", [1, 1], "
                        + bool(p.ceilMode()) + ")");
            }
            if (node instanceof Node.AvgPool p) {
                return assign("torch.avg_pool2d(" + in + ", " + pair(p.kh(), p.kw()) + ", "
                        + pair(p.strideH(), p.strideW()) + ", " + pair(p.padH(), p.padW()) + ", "
                        + bool(p.ceilMode()) + ", " + bool(p.countIncludePad()) + ")");
            }
            if (node instanceof Node.Sequence s) {
                String x = in;
                for (Node n : s.nodes()) {
                    x = emit(n, x);
                }
                return x;
            }
            if (node instanceof Node.Concat c) {
                List<String> parts = new ArrayList<>();
                for (Node branch : c.branches()) {
                    parts.add(emit(branch, in));
                }
                return assign("torch.cat([" + String.join(", ", parts) + "], 1)");
            }
            if (node instanceof Node.Residual r) {
                String b = emit(r.body(), in);
                // timm: conv2d(cat) * scale + x, multiplication first; the product is fresh, so add in place
                String scaled = r.scale() == 1.0
                        ? "torch.add(" + b + ", " + in + ")"
                        : "torch.add_(torch.mul(" + b + ", " + number(r.scale()) + "), " + in + ")";
                String y = assign(scaled);
                return r.relu() ? assign("torch.relu_(" + y + ")") : y;
            }
            if (node instanceof Node.GlobalAvgPool) {
                return assign("torch.mean(" + in + ", [2, 3])");
            }
            if (node instanceof Node.Linear l) {
                String bias = l.bias() || l.bn() != null ? weight(l.name() + ".bias") : "None";
                return assign("torch.linear(torch.flatten(" + in + ", 1), " + weight(l.name() + ".weight") + ", " + bias
                        + ")");
            }
            if (node instanceof Node.ChannelAffine a) {
                double[] scale = a.scale();
                double[] shift = a.shift();
                List<String> channels = new ArrayList<>();
                for (int c = 0; c < scale.length; c++) {
                    channels.add(assign("torch.add(torch.mul(torch.unsqueeze(torch.select(" + in + ", 1, " + c
                            + "), 1), " + number(scale[c]) + "), " + number(shift[c]) + ")"));
                }
                return assign("torch.cat([" + String.join(", ", channels) + "], 1)");
            }
            if (node instanceof Node.L2Normalize n) {
                String norm = assign("torch.norm(" + in + ", 2, [1], True)");
                return assign("torch.div(" + in + ", torch.clamp_min(" + norm + ", " + number(n.eps()) + "))");
            }
            throw new IllegalArgumentException("no TorchScript for " + node);
        }
    }

    private static String pair(int a, int b) {
        return "[" + a + ", " + b + "]";
    }

    private static String bool(boolean b) {
        return b ? "True" : "False";
    }

    /** A double literal TorchScript reads back exactly: Java's shortest round-trip form, with a Python exponent. */
    static String number(double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("not a finite number: " + d);
        }
        return Double.toString(d).replace("E", "e");
    }
}
