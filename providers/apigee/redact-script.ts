/**
 * Response redaction for the bundle's JavaScript (ES5, Apigee's Rhino engine): the same meaning as
 * the AWS transform's (lib/runtime/transform/redact.ts), by editing the JSON text, never by
 * JSON.parse and JSON.stringify, which would round integers above 2^53 and rewrite every number,
 * escape and space of the backend's answer. A redacted member goes with one comma, a redacted
 * array element becomes null, a repeated key is redacted at every occurrence. Iterative (no stack
 * overflow on deep nesting); throws on anything JSON.parse refuses.
 */
export const REDACT_SOURCE = String.raw`
  function redactText(text, paths) {
    var n = text.length, i = 0, edits = [], stack = [];
    var NUM = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
    function fail() { throw new Error("not JSON"); }
    function ws() {
      while (i < n) { var c = text.charCodeAt(i); if (c === 32 || c === 9 || c === 10 || c === 13) i++; else return; }
    }
    function str() {
      i++;
      for (;;) {
        if (i >= n) fail();
        var c = text.charCodeAt(i);
        if (c === 34) { i++; return; }
        if (c < 32) fail();
        if (c === 92) {
          var e = text.charAt(i + 1);
          if (e === "u") { if (!/^[0-9A-Fa-f]{4}$/.test(text.substr(i + 2, 4))) fail(); i += 6; }
          else if (e !== "" && "\"\\/bfnrt".indexOf(e) >= 0) i += 2;
          else fail();
        } else i++;
      }
    }
    function step(cursors, key) {
      var next = [], removed = false;
      for (var k = 0; k < cursors.length; k++) {
        var p = cursors[k][0], s = cursors[k][1];
        if (p[s] !== "*" && p[s] !== key) continue;
        if (s === p.length - 1) removed = true; else next.push([p, s + 1]);
      }
      return { removed: removed, next: removed ? [] : next };
    }
    var cursors = [], nullOut = false;
    function element(f) {
      var s = f.cursors.length ? step(f.cursors, String(f.index)) : { removed: false, next: [] };
      cursors = s.next; nullOut = s.removed;
      return true;
    }
    function member(f) {
      ws();
      if (text.charCodeAt(i) !== 34) return false;
      var ks = i; str(); var ke = i;
      ws();
      if (text.charCodeAt(i) !== 58) fail();
      i++;
      nullOut = false;
      if (!f.cursors.length) { cursors = []; return true; }
      var s = step(f.cursors, JSON.parse(text.slice(ks, ke)));
      f.members.push({ start: ks, end: ks, removed: s.removed });
      cursors = s.next;
      return true;
    }
    function removeMembers(ms) {
      var kept = false;
      for (var k = 0; k < ms.length; k++) {
        if (!ms[k].removed) { kept = true; continue; }
        if (kept) edits.push([ms[k - 1].end, ms[k].end, ""]);
        else edits.push([ms[k].start, k + 1 < ms.length ? ms[k + 1].start : ms[k].end, ""]);
      }
    }
    cursors = []; for (var r = 0; r < paths.length; r++) cursors.push([paths[r].split("."), 0]);
    for (;;) {
      ws();
      var start = i, c = text.charCodeAt(i);
      if (c === 123 || c === 91) {
        i++;
        var f = { array: c === 91, start: start, nullOut: nullOut, cursors: cursors, index: 0, members: [] };
        ws();
        if (text.charCodeAt(i) !== (f.array ? 93 : 125)) {
          stack.push(f);
          if (!(f.array ? element(f) : member(f))) fail();
          continue;
        }
        i++;
      } else if (c === 34) str();
      else if (text.substr(i, 4) === "true" || text.substr(i, 4) === "null") i += 4;
      else if (text.substr(i, 5) === "false") i += 5;
      else {
        var j = i;
        while (j < n && "0123456789+-.eE".indexOf(text.charAt(j)) >= 0) j++;
        if (j === i || !NUM.test(text.slice(i, j))) fail();
        i = j;
      }
      if (nullOut) edits.push([start, i, "null"]);
      var more = false;
      while (stack.length) {
        var t = stack[stack.length - 1];
        if (!t.array && t.members.length) t.members[t.members.length - 1].end = i;
        ws();
        var d = text.charCodeAt(i);
        if (d === 44) {
          i++; t.index++;
          if (!(t.array ? element(t) : member(t))) fail();
          more = true;
          break;
        }
        if (d !== (t.array ? 93 : 125)) fail();
        i++;
        stack.pop();
        if (!t.array) removeMembers(t.members);
        if (t.nullOut) edits.push([t.start, i, "null"]);
      }
      if (more) continue;
      ws();
      if (i !== n) fail();
      break;
    }
    if (!edits.length) return text;
    edits.sort(function (a, b) { return a[0] - b[0]; });
    var out = "", at = 0;
    for (var x = 0; x < edits.length; x++) { out += text.slice(at, edits[x][0]) + edits[x][2]; at = edits[x][1]; }
    return out + text.slice(at);
  }
`;
