package dev.autograd4j.optim;

import dev.autograd4j.MemoryScope;
import dev.autograd4j.Tensor;
import java.util.Map;

/**
 * RMSprop, following the {@code torch.optim.RMSprop} update:
 * <pre>
 * g = grad + weightDecay * p
 * v = alpha * v + (1 - alpha) * g^2
 * if centered:  gAvg = alpha * gAvg + (1 - alpha) * g;   denom = sqrt(v - gAvg^2) + eps
 * else:         denom = sqrt(v) + eps
 * if momentum &gt; 0:  b = momentum * b + g / denom;   p = p - lr * b
 * else:              p = p - lr * g / denom
 * </pre>
 * State (for state dicts): {@code step}, {@code square_avg}, {@code momentum_buffer} (with momentum),
 * {@code grad_avg} (centered).
 */
public class RMSprop extends Optimizer {
    private double alpha;
    private double eps;
    private double weightDecay;
    private double momentum;
    private boolean centered;

    /** Per-parameter state. */
    static final class State {
        long step;
        Tensor squareAvg;
        Tensor momentumBuffer;
        Tensor gradAvg;
    }

    /**
     * RMSprop with PyTorch's defaults: alpha 0.99, eps 1e-8, no weight decay, no momentum, not centered.
     *
     * @param parameters the tensors to optimize: floating-point leaves, each once, at least one requiring
     *        grad (e.g. {@code module.parameters()})
     * @param lr the learning rate (PyTorch's default is 1e-2)
     * @throws IllegalArgumentException if the parameters or {@code lr} are invalid (see {@link Optimizer})
     */
    public RMSprop(Iterable<Tensor> parameters, double lr) {
        this(parameters, lr, 0.99, 1e-8, 0, 0, false);
    }

    /**
     * RMSprop with every option, like {@code torch.optim.RMSprop(params, lr, alpha, eps, weight_decay, momentum,
     * centered)}.
     *
     * @param parameters the tensors to optimize: floating-point leaves, each once, at least one requiring
     *        grad (e.g. {@code module.parameters()})
     * @param lr the learning rate
     * @param alpha the smoothing constant of the squared-gradient average, non-negative
     * @param eps added to the denominator, non-negative
     * @param weightDecay L2 penalty added to the gradient, non-negative
     * @param momentum the momentum factor, non-negative (0 for none)
     * @param centered whether to normalise by an estimate of the gradient's variance instead of its second moment
     * @throws IllegalArgumentException if an argument is invalid ({@code Invalid alpha value: -0.1})
     */
    public RMSprop(Iterable<Tensor> parameters, double lr, double alpha, double eps, double weightDecay,
                   double momentum, boolean centered) {
        super(parameters, lr);
        check(alpha, eps, weightDecay, momentum);
        this.alpha = alpha;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.momentum = momentum;
        this.centered = centered;
    }

    private static void check(double alpha, double eps, double weightDecay, double momentum) {
        checkNonNegative("epsilon", eps);
        checkNonNegative("momentum", momentum);
        checkNonNegative("weight_decay", weightDecay);
        checkNonNegative("alpha", alpha);
    }

    @Override
    protected void update(Tensor p, Tensor grad, Map<Tensor, Object> state) {
        Tensor g = weightDecay == 0 ? grad : grad.add(p.mul(weightDecay));
        State s = (State) state.get(p);
        if (s == null) {
            s = new State();
            s.squareAvg = MemoryScope.escape(Tensor.zerosLike(p));
            state.put(p, s);
        }
        if (momentum > 0 && s.momentumBuffer == null) {
            s.momentumBuffer = MemoryScope.escape(Tensor.zerosLike(p));
        }
        if (centered && s.gradAvg == null) {
            s.gradAvg = MemoryScope.escape(Tensor.zerosLike(p));
        }
        s.step++;
        s.squareAvg.mul_(alpha).add_(g.mul(g), 1 - alpha);
        Tensor avg;
        if (centered) {
            s.gradAvg.mul_(alpha).add_(g, 1 - alpha);
            avg = s.squareAvg.sub(s.gradAvg.mul(s.gradAvg)).sqrt();
        } else {
            avg = s.squareAvg.sqrt();
        }
        avg.add_(eps);
        if (momentum > 0) {
            s.momentumBuffer.mul_(momentum).add_(g.div(avg));
            p.add_(s.momentumBuffer, -lr());
        } else {
            p.add_(g.div(avg), -lr());
        }
    }

    @Override
    protected void saveParamState(Object paramState, Map<String, Tensor> out) {
        State s = (State) paramState;
        out.put("step", scalar64(s.step));
        out.put("square_avg", s.squareAvg);
        if (s.momentumBuffer != null) {
            out.put("momentum_buffer", s.momentumBuffer);
        }
        if (s.gradAvg != null) {
            out.put("grad_avg", s.gradAvg);
        }
    }

    @Override
    protected Object loadParamState(Tensor param, Map<String, Tensor> entries) {
        State s = new State();
        s.step = (long) required(entries, "step").item();
        s.squareAvg = required(entries, "square_avg");
        s.momentumBuffer = entries.get("momentum_buffer");
        s.gradAvg = entries.get("grad_avg");
        return s;
    }

    @Override
    protected void saveHyperparameters(Map<String, Double> out) {
        out.put("alpha", alpha);
        out.put("eps", eps);
        out.put("weight_decay", weightDecay);
        out.put("momentum", momentum);
        out.put("centered", centered ? 1.0 : 0.0);
    }

    @Override
    protected void loadHyperparameters(Map<String, Double> in) {
        double a = hyper(in, "alpha");
        double e = hyper(in, "eps");
        double wd = hyper(in, "weight_decay");
        double mu = hyper(in, "momentum");
        boolean c = hyper(in, "centered") != 0;
        check(a, e, wd, mu);
        alpha = a;
        eps = e;
        weightDecay = wd;
        momentum = mu;
        centered = c;
    }
}
