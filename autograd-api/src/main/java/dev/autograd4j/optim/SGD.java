package dev.autograd4j.optim;

import dev.autograd4j.MemoryScope;
import dev.autograd4j.Tensor;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and (L2) weight
 * decay, following the update in the {@code torch.optim.SGD} documentation:
 * <pre>
 * g = grad + weightDecay * p
 * if momentum != 0:  b = (first step) ? g : momentum * b + (1 - dampening) * g
 *                    g = nesterov ? g + momentum * b : b
 * p = p - lr * g
 * </pre>
 * The momentum buffer is a copy of the first step's {@code g}, as in PyTorch.
 */
public class SGD extends Optimizer {
    private double momentum;
    private double dampening;
    private double weightDecay;
    private boolean nesterov;

    /**
     * Plain SGD, {@code p = p - lr * grad}.
     *
     * @param parameters the tensors to optimize: floating-point leaves, each once, at least one requiring
     *        grad (e.g. {@code module.parameters()})
     * @param lr the learning rate
     * @throws IllegalArgumentException if the parameters or {@code lr} are invalid (see {@link Optimizer})
     */
    public SGD(Iterable<Tensor> parameters, double lr) {
        this(parameters, lr, 0, 0, 0, false);
    }

    /**
     * SGD with momentum, no dampening, no weight decay.
     *
     * @param parameters the tensors to optimize: floating-point leaves, each once, at least one requiring
     *        grad (e.g. {@code module.parameters()})
     * @param lr the learning rate
     * @param momentum the momentum factor, non-negative (0 for none)
     * @throws IllegalArgumentException if an argument is invalid ({@code Invalid momentum value: -0.9})
     */
    public SGD(Iterable<Tensor> parameters, double lr, double momentum) {
        this(parameters, lr, momentum, 0, 0, false);
    }

    /**
     * SGD with every option, like {@code torch.optim.SGD(params, lr, momentum, dampening, weight_decay,
     * nesterov)}.
     *
     * @param parameters the tensors to optimize: floating-point leaves, each once, at least one requiring
     *        grad (e.g. {@code module.parameters()})
     * @param lr the learning rate
     * @param momentum the momentum factor, non-negative (0 for none)
     * @param dampening dampening for momentum, finite
     * @param weightDecay L2 penalty added to the gradient, non-negative
     * @param nesterov whether to use Nesterov momentum (needs a positive momentum and zero dampening)
     * @throws IllegalArgumentException if an argument is invalid
     *         ({@code Nesterov momentum requires a momentum and zero dampening})
     */
    public SGD(Iterable<Tensor> parameters, double lr, double momentum, double dampening, double weightDecay,
               boolean nesterov) {
        super(parameters, lr);
        checkNonNegative("momentum", momentum);
        checkNonNegative("weight_decay", weightDecay);
        if (!Double.isFinite(dampening)) {
            throw new IllegalArgumentException("Invalid dampening value: " + dampening);
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    @Override
    protected void update(Tensor p, Tensor grad, Map<Tensor, Object> state) {
        Tensor g = grad;
        if (weightDecay != 0) {
            g = g.add(p.mul(weightDecay));
        }
        if (momentum != 0) {
            Tensor buf = (Tensor) state.get(p);
            if (buf == null) {
                buf = MemoryScope.escape(g.copy()); // state outlives any MemoryScope
                state.put(p, buf);
            } else {
                buf.mul_(momentum).add_(g, 1 - dampening);
            }
            g = nesterov ? g.add(buf.mul(momentum)) : buf;
        }
        p.add_(g, -lr());
    }

    @Override
    protected void saveParamState(Object paramState, Map<String, Tensor> out) {
        out.put("momentum_buffer", (Tensor) paramState);
    }

    @Override
    protected Object loadParamState(Tensor param, Map<String, Tensor> entries) {
        return required(entries, "momentum_buffer");
    }

    @Override
    protected void saveHyperparameters(Map<String, Double> out) {
        out.put("momentum", momentum);
        out.put("dampening", dampening);
        out.put("weight_decay", weightDecay);
        out.put("nesterov", nesterov ? 1.0 : 0.0);
    }

    @Override
    protected void loadHyperparameters(Map<String, Double> in) {
        double mu = hyper(in, "momentum");
        double damp = hyper(in, "dampening");
        double wd = hyper(in, "weight_decay");
        boolean nest = hyper(in, "nesterov") != 0;
        checkNonNegative("momentum", mu);
        checkNonNegative("weight_decay", wd);
        if (!Double.isFinite(damp)) {
            throw new IllegalArgumentException("Invalid dampening value: " + damp);
        }
        if (nest && (mu <= 0 || damp != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening");
        }
        momentum = mu;
        dampening = damp;
        weightDecay = wd;
        nesterov = nest;
    }
}
