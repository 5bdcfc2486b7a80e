package dev.autograd4j.optim;

import dev.autograd4j.MemoryScope;
import dev.autograd4j.Tensor;
import java.util.Map;

/**
 * Adam, following the {@code torch.optim.Adam} documentation (weight decay added to the gradient, as L2):
 * <pre>
 * g = grad + weightDecay * p
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g^2
 * vmax = max(vmax, v)                          (amsgrad only; v below is then vmax)
 * p = p - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
 * </pre>
 * {@link AdamW} decouples the weight decay instead.
 */
public class Adam extends Optimizer {
    double beta1;
    double beta2;
    double eps;
    double weightDecay;
    boolean amsgrad;

    /** Per-parameter state: step count and moment estimates. */
    static final class State {
        long step;
        Tensor m;
        Tensor v;
        Tensor vMax;
    }

    /**
     * Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay, no amsgrad.
     *
     * @param parameters the tensors to optimize: floating-point leaves, each once, at least one requiring
     *        grad (e.g. {@code module.parameters()})
     * @param lr the learning rate (PyTorch's default is 1e-3)
     * @throws IllegalArgumentException if the parameters or {@code lr} are invalid (see {@link Optimizer})
     */
    public Adam(Iterable<Tensor> parameters, double lr) {
        this(parameters, lr, 0.9, 0.999, 1e-8, 0, false);
    }

    /**
     * Adam with every option, like {@code torch.optim.Adam(params, lr, betas, eps, weight_decay, amsgrad)}.
     *
     * @param parameters the tensors to optimize: floating-point leaves, each once, at least one requiring
     *        grad (e.g. {@code module.parameters()})
     * @param lr the learning rate
     * @param beta1 decay of the first-moment average, in [0, 1)
     * @param beta2 decay of the second-moment average, in [0, 1)
     * @param eps added to the denominator, non-negative
     * @param weightDecay L2 penalty added to the gradient, non-negative
     * @param amsgrad whether to use the maximum of past second moments
     * @throws IllegalArgumentException if an argument is invalid
     *         ({@code Invalid beta parameter at index 1: 1.0}, {@code Invalid epsilon value: -1.0E-8})
     */
    public Adam(Iterable<Tensor> parameters, double lr, double beta1, double beta2, double eps, double weightDecay,
                boolean amsgrad) {
        super(parameters, lr);
        checkBeta(0, beta1);
        checkBeta(1, beta2);
        checkNonNegative("epsilon", eps);
        checkNonNegative("weight_decay", weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.amsgrad = amsgrad;
    }

    /** Applies the weight decay (L2 here; decoupled in AdamW); returns the gradient to use. */
    Tensor decay(Tensor p, Tensor grad) {
        return weightDecay == 0 ? grad : grad.add(p.mul(weightDecay));
    }

    @Override
    protected void update(Tensor p, Tensor grad, Map<Tensor, Object> state) {
        Tensor g = decay(p, grad);
        State s = (State) state.get(p);
        if (s == null) {
            s = new State();
            // state outlives any MemoryScope
            s.m = MemoryScope.escape(Tensor.zerosLike(p));
            s.v = MemoryScope.escape(Tensor.zerosLike(p));
            if (amsgrad) {
                s.vMax = MemoryScope.escape(Tensor.zerosLike(p));
            }
            state.put(p, s);
        }
        s.step++;
        s.m.mul_(beta1).add_(g, 1 - beta1);
        s.v.mul_(beta2).add_(g.mul(g), 1 - beta2);
        Tensor v = s.v;
        if (amsgrad) {
            s.vMax.copy_(s.vMax.maximum(s.v));
            v = s.vMax;
        }
        double biasCorrection1 = 1 - Math.pow(beta1, s.step);
        double biasCorrection2 = 1 - Math.pow(beta2, s.step);
        Tensor denom = v.sqrt().div_(Math.sqrt(biasCorrection2)).add_(eps);
        p.add_(s.m.div(denom), -lr() / biasCorrection1);
    }

    @Override
    protected void saveParamState(Object paramState, Map<String, Tensor> out) {
        State s = (State) paramState;
        out.put("step", scalar64(s.step));
        out.put("exp_avg", s.m);
        out.put("exp_avg_sq", s.v);
        if (s.vMax != null) {
            out.put("max_exp_avg_sq", s.vMax);
        }
    }

    @Override
    protected Object loadParamState(Tensor param, Map<String, Tensor> entries) {
        State s = new State();
        s.step = (long) required(entries, "step").item();
        s.m = required(entries, "exp_avg");
        s.v = required(entries, "exp_avg_sq");
        s.vMax = amsgrad ? required(entries, "max_exp_avg_sq") : null;
        return s;
    }

    @Override
    protected void saveHyperparameters(Map<String, Double> out) {
        out.put("beta1", beta1);
        out.put("beta2", beta2);
        out.put("eps", eps);
        out.put("weight_decay", weightDecay);
        out.put("amsgrad", amsgrad ? 1.0 : 0.0);
    }

    @Override
    protected void loadHyperparameters(Map<String, Double> in) {
        double b1 = hyper(in, "beta1");
        double b2 = hyper(in, "beta2");
        double e = hyper(in, "eps");
        double wd = hyper(in, "weight_decay");
        boolean ams = hyper(in, "amsgrad") != 0;
        checkBeta(0, b1);
        checkBeta(1, b2);
        checkNonNegative("epsilon", e);
        checkNonNegative("weight_decay", wd);
        if (ams != amsgrad) {
            throw new IllegalArgumentException("state dict has amsgrad=" + ams + " but this optimizer has amsgrad="
                    + amsgrad);
        }
        beta1 = b1;
        beta2 = b2;
        eps = e;
        weightDecay = wd;
    }
}
