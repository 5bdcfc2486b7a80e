package dev.autograd4j.spi;

/**
 * Elementwise functions of one tensor. Some take scalar parameters p0/p1 (noted per constant).
 * The kernel name ties each op to its CUDA symbol: {@code "u" + kernelName + "_f32"}.
 */
public enum UnaryOp {
    NEG("neg"), EXP("exp"), LOG("log"), LOG1P("log1p"), SQRT("sqrt"), ABS("abs"), SIGN("sign"),
    RELU("relu"), SIGMOID("sigmoid"), TANH("tanh"), SIN("sin"), COS("cos"),
    /** x ^ p0 */
    POW_SCALAR("pow_scalar"),
    /** p0 ^ x */
    RPOW_SCALAR("rpow_scalar"),
    /** x + p0 */
    ADD_SCALAR("add_scalar"),
    /** x * p0 */
    MUL_SCALAR("mul_scalar"),
    /** p0 / x */
    RDIV_SCALAR("rdiv_scalar"),
    /** min(max(x, p0), p1); NaN bounds mean unbounded on that side. */
    CLAMP("clamp"),
    /** 0 where x <= 0, else 1 (NaN gives 1): the mask ReLU's gradient passes through, as PyTorch's threshold_backward. */
    STEP("step"),
    /** 1 where p0 <= x <= p1 (NaN bound = unbounded), else 0: the mask clamp's gradient passes through. */
    INSIDE("inside");

    private final String kernelName;

    UnaryOp(String kernelName) {
        this.kernelName = kernelName;
    }

    public String kernelName() {
        return kernelName;
    }
}
