# hypervisor/tests/decode.mk - the reference instruction lengths that
# hv_decode_vectors checks the decoder against, measured by GNU as and
# objdump (hypervisor/tests/decode_vectors/gen_vectors.py). Included by
# hypervisor/hypervisor.mk after its unit-test rule.

DECODE_VEC_DIR := $(HV_DIR)/tests/decode_vectors
DECODE_VECTORS := $(BUILD)/tests/decode_vectors.txt

$(DECODE_VECTORS): $(DECODE_VEC_DIR)/gen_vectors.py $(wildcard $(DECODE_VEC_DIR)/insns*.s)
	@mkdir -p $(dir $@)
	$(DECODE_VEC_DIR)/gen_vectors.py $@

# The test reads the vectors at run time; building it builds them.
$(BUILD)/tests/unit/hv_decode_vectors: $(DECODE_VECTORS)
$(BUILD)/tests/unit/hv_decode_vectors: HOST_CFLAGS += -DDECODE_VECTORS='"$(DECODE_VECTORS)"'
