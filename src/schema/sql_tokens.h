/*
 * sql_tokens.h - a small quote-aware SQL tokenizer, enough to walk the
 * CREATE TABLE / CREATE INDEX / CREATE VIEW text SQLite keeps in
 * sqlite_schema (inspect_sqlite.c).
 *
 * It splits text into words, quoted identifiers ("x", [x], `x`), string
 * literals ('it''s'), blobs (X'00'), numbers, variables and punctuation;
 * white space and comments (-- to the end of the line, and block
 * comments) separate tokens and are dropped, but each token remembers
 * whether any stood before it, so a span of tokens can be printed back
 * with one blank where the text had blanks or comments.  Parentheses are
 * paired while tokenizing, so a parser can jump over a parenthesised
 * span (a CHECK body, a DEFAULT expression) in one step.
 *
 * Tokens point into the text by offset; the text is not copied and must
 * outlive the token list.
 */
#ifndef RT_SCHEMA_SQL_TOKENS_H
#define RT_SCHEMA_SQL_TOKENS_H

#include "util/compat.h"
#include "util/buf.h"

struct rt_error;

enum rt_sql_tok_kind {
	RT_TOK_WORD, /* a bare word: a keyword or an identifier */
	RT_TOK_QUOTED, /* "x", [x] or `x`: always an identifier */
	RT_TOK_STRING, /* 'x' */
	RT_TOK_BLOB, /* X'00ff' */
	RT_TOK_NUMBER, /* 12, 1.5e3, 0x1F */
	RT_TOK_VARIABLE, /* ?, ?1, :a, @a, $a */
	RT_TOK_PUNCT /* ( ) , ; . and operators: || <= <> -> ->> ... */
};

struct rt_sql_token {
	enum rt_sql_tok_kind kind;
	size_t start, len; /* the token's bytes in the text */
	/* '(' and ')': the index of the other one of the pair */
	size_t match;
	/* white space or a comment stood between this token and the last */
	bool space_before;
};

struct rt_sql_tokens {
	const char *text; /* not owned */
	struct rt_sql_token *v;
	size_t nr, alloc;
};

#define RT_SQL_TOKENS_INIT \
 {                         \
  NULL, NULL, 0, 0         \
 }

/*
 * Split `text` into `toks` (whose earlier contents are dropped; its array
 * is reused).  RT_EPARSE, saying what and on which line, for an
 * unterminated string, quoted identifier or block comment and for a
 * parenthesis without its partner.
 */
int rt_sql_tokenize(struct rt_sql_tokens *toks, const char *text,
                    struct rt_error *err);
void rt_sql_tokens_release(struct rt_sql_tokens *toks);

/* Token i is the bare word `word` (case-insensitive); false past the end. */
bool rt_sql_tok_is(const struct rt_sql_tokens *toks, size_t i,
                   const char *word);
/* Token i is the punctuation `p` exactly; false past the end. */
bool rt_sql_tok_is_punct(const struct rt_sql_tokens *toks, size_t i,
                         const char *p);
/* Token i can be a name: a word, a quoted identifier or a string. */
bool rt_sql_tok_is_name(const struct rt_sql_tokens *toks, size_t i);
/*
 * The name token i stands for, unquoted ("a""b" -> a"b, [x] -> x,
 * 'it''s' -> it's); other tokens as written.  Caller frees.
 */
char *rt_sql_tok_name(const struct rt_sql_tokens *toks, size_t i);
/* Append token i as written. */
void rt_sql_tok_add(struct rt_buf *out, const struct rt_sql_tokens *toks,
                    size_t i);
/*
 * Append tokens [from, to) as written, with one blank wherever the text
 * had white space or comments between two of them: "a  >\n 0 -- x" ->
 * "a > 0".  Nothing is appended when from >= to.
 */
void rt_sql_tokens_add_span(struct rt_buf *out,
                            const struct rt_sql_tokens *toks, size_t from,
                            size_t to);
/* Line (1-based) of byte `offset` of the text, for messages. */
unsigned rt_sql_tokens_line(const struct rt_sql_tokens *toks, size_t offset);

#endif
