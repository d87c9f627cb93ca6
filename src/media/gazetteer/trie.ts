/**
 * Compiles gazetteer entries into a token trie. Surfaces are matched exact-case; a surface of 4+
 * letters that is not `exact` also gets its ALL-CAPS form ("CHINA" in headlines; "XI", "US" and
 * "ABE" stay out). The first character of every first token is flagged so the scanner only looks
 * up words that can start a surface.
 */
import { tokenize } from "./tokens.ts";
import type { GazetteerEntry, TrieNode } from "./types.ts";

export interface CompiledTrie {
  root: Map<string, TrieNode>;
  starts: Uint8Array;
}

function insert(root: Map<string, TrieNode>, tokens: readonly string[], entry: GazetteerEntry) {
  let map = root;
  let node: TrieNode | undefined;
  for (const tok of tokens) {
    node = map.get(tok);
    if (!node) {
      node = { entry: null, next: null };
      map.set(tok, node);
    }
    node.next ??= new Map();
    map = node.next;
  }
  if (node) node.entry = entry;
}

function prune(map: Map<string, TrieNode>): void {
  for (const node of map.values()) {
    if (!node.next) continue;
    if (node.next.size === 0) node.next = null;
    else prune(node.next);
  }
}

/** Later entries with the same surface replace earlier ones. */
export function compileTrie(entries: readonly GazetteerEntry[]): CompiledTrie {
  const root = new Map<string, TrieNode>();
  const starts = new Uint8Array(65536);
  const caps: [string[], GazetteerEntry][] = [];
  for (const e of entries) {
    const tokens = tokenize(e.surface);
    const first = tokens[0];
    if (!first) continue;
    insert(root, tokens, e);
    starts[first.charCodeAt(0)] = 1;
    const letters = e.surface.replace(/[^\p{L}]/gu, "");
    const upper = e.surface.toUpperCase();
    if (!e.exact && letters.length >= 4 && upper !== e.surface) caps.push([tokenize(upper), e]);
  }
  // ALL-CAPS variants never replace an exact-case surface ("ROK" stays the exact entry).
  for (const [tokens, e] of caps) {
    let map: Map<string, TrieNode> | null = root;
    let node: TrieNode | undefined;
    for (const t of tokens) {
      node = map?.get(t);
      if (!node) break;
      map = node.next;
    }
    if (node?.entry && node.entry.surface.toUpperCase() === node.entry.surface) continue;
    insert(root, tokens, e);
    starts[tokens[0]!.charCodeAt(0)] = 1;
  }
  prune(root);
  return { root, starts };
}
