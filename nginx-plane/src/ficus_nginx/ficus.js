// Ficus nginx plane: the cohort decision for canary / dual splits (njs 0.7+, ES5 + typed arrays).
//
// It mirrors ficus_proxy.core.bucketing byte for byte, so a shopper lands on the same side
// whichever plane serves them: the key is the customer id of a customer bearer JWT (uid when
// utypid is 3, else sub or customer_id; the signature is not checked, as in the Python proxy),
// else the cart id in the path, else the ficus_cohort cookie, else a hash of an opaque bearer
// token, else a fresh cookie; the bucket is BLAKE2b-64 of "kind:value", big-endian, mod 100.
// Only requests whose domain sits at canary / dual N% (0 < N < 100) call into this module.

var COOKIE = 'ficus_cohort';
var CART = /\/V1\/(?:guest-carts|carts)\/([^\/?]+)/;
var NOT_CART = {mine: true, search: true};
var CLAIMS = ['uid', 'sub', 'customer_id'];
var IV = [0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372,
          0x5f1d36f1, 0xa54ff53a, 0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c,
          0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19];
var SIGMA = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0]];

// 64-bit words are (lo, hi) pairs of 32-bit halves: v[2i] low, v[2i+1] high. The mixing
// function G works on locals (njs interprets: one call per G, no helper calls inside).
var TWO32 = 4294967296;
var SIGMA2 = SIGMA.map(function (row) { return row.map(function (i) { return 2 * i; }); });

function mix(v, m, a, b, c, d, x, y) {
    var alo = v[a], ahi = v[a + 1], blo = v[b], bhi = v[b + 1];
    var clo = v[c], chi = v[c + 1], dlo = v[d], dhi = v[d + 1], lo, tlo, thi;
    lo = alo + blo; ahi = ahi + bhi + (lo >= TWO32 ? 1 : 0); lo = lo >>> 0;
    alo = lo + m[x]; ahi = (ahi + m[x + 1] + (alo >= TWO32 ? 1 : 0)) >>> 0; alo = alo >>> 0;
    tlo = (dlo ^ alo) >>> 0; dlo = (dhi ^ ahi) >>> 0; dhi = tlo;  // rotr 32
    lo = clo + dlo; chi = (chi + dhi + (lo >= TWO32 ? 1 : 0)) >>> 0; clo = lo >>> 0;
    tlo = blo ^ clo; thi = bhi ^ chi;  // rotr 24
    blo = ((tlo >>> 24) | (thi << 8)) >>> 0; bhi = ((thi >>> 24) | (tlo << 8)) >>> 0;
    lo = alo + blo; ahi = ahi + bhi + (lo >= TWO32 ? 1 : 0); lo = lo >>> 0;
    alo = lo + m[y]; ahi = (ahi + m[y + 1] + (alo >= TWO32 ? 1 : 0)) >>> 0; alo = alo >>> 0;
    tlo = dlo ^ alo; thi = dhi ^ ahi;  // rotr 16
    dlo = ((tlo >>> 16) | (thi << 16)) >>> 0; dhi = ((thi >>> 16) | (tlo << 16)) >>> 0;
    lo = clo + dlo; chi = (chi + dhi + (lo >= TWO32 ? 1 : 0)) >>> 0; clo = lo >>> 0;
    tlo = blo ^ clo; thi = bhi ^ chi;  // rotr 63
    blo = ((thi >>> 31) | (tlo << 1)) >>> 0; bhi = ((tlo >>> 31) | (thi << 1)) >>> 0;
    v[a] = alo; v[a + 1] = ahi; v[b] = blo; v[b + 1] = bhi;
    v[c] = clo; v[c + 1] = chi; v[d] = dlo; v[d + 1] = dhi;
}

function compress(h, block, offset, counter, last) {
    var v = h.concat(IV), m = new Array(32), i, r, s, at;
    v[24] = (v[24] ^ counter) >>> 0;  // counters above 2**32 bytes never happen here
    if (last) { v[28] = (~v[28]) >>> 0; v[29] = (~v[29]) >>> 0; }
    for (i = 0; i < 32; i++) {
        at = offset + 4 * i;
        m[i] = (block[at] | (block[at + 1] << 8) | (block[at + 2] << 16)
                | (block[at + 3] << 24)) >>> 0;
    }
    for (r = 0; r < 12; r++) {
        s = SIGMA2[r % 10];
        mix(v, m, 0, 8, 16, 24, s[0], s[1]);
        mix(v, m, 2, 10, 18, 26, s[2], s[3]);
        mix(v, m, 4, 12, 20, 28, s[4], s[5]);
        mix(v, m, 6, 14, 22, 30, s[6], s[7]);
        mix(v, m, 0, 10, 20, 30, s[8], s[9]);
        mix(v, m, 2, 12, 22, 24, s[10], s[11]);
        mix(v, m, 4, 14, 16, 26, s[12], s[13]);
        mix(v, m, 6, 8, 18, 28, s[14], s[15]);
    }
    for (i = 0; i < 16; i++) { h[i] = (h[i] ^ v[i] ^ v[i + 16]) >>> 0; }
}

// BLAKE2b (unkeyed) of a byte array: the digest as an array of outlen bytes
function blake2b(bytes, outlen) {
    var h = IV.slice(), n = bytes.length, blocks = Math.max(1, Math.ceil(n / 128));
    var padded = new Array(blocks * 128), i, b;
    h[0] = (h[0] ^ 0x01010000 ^ outlen) >>> 0;
    for (i = 0; i < padded.length; i++) { padded[i] = i < n ? bytes[i] : 0; }
    for (b = 0; b < blocks; b++) {
        var last = b === blocks - 1;
        compress(h, padded, b * 128, last ? n : (b + 1) * 128, last);
    }
    var out = [];
    for (i = 0; i < outlen; i++) { out.push((h[i >> 2] >>> (8 * (i & 3))) & 0xff); }
    return out;
}

function utf8(s) {
    var buf = Buffer.from(s, 'utf8'), out = new Array(buf.length), i;
    for (i = 0; i < buf.length; i++) { out[i] = buf[i]; }
    return out;
}

function hex(bytes) {
    var s = '', i;
    for (i = 0; i < bytes.length; i++) { s += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16); }
    return s;
}

function bucketOf(kind, value) {
    var d = blake2b(utf8(kind + ':' + value), 8);
    var hi = ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0;
    var lo = ((d[4] << 24) | (d[5] << 16) | (d[6] << 8) | d[7]) >>> 0;
    return ((hi % 100) * 96 + lo % 100) % 100;  // (hi * 2**32 + lo) mod 100; 2**32 mod 100 = 96
}

function bearer(authorization) {
    if (!authorization) { return null; }
    var space = authorization.indexOf(' ');
    var scheme = space < 0 ? authorization : authorization.slice(0, space);
    var token = space < 0 ? '' : authorization.slice(space + 1).trim();
    return scheme.toLowerCase() === 'bearer' && token ? token : null;
}

function jwtClaims(token) {
    var parts = token.split('.');
    if (parts.length !== 3) { return null; }
    var data = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    data = data.split('=')[0].replace(/[^A-Za-z0-9+\/]/g, '');
    if (data.length % 4 === 1) { return null; }
    try {
        var claims = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
        return claims !== null && typeof claims === 'object' && !Array.isArray(claims)
            ? claims : null;
    } catch (e) {
        return null;
    }
}

function customerId(token) {
    var claims = jwtClaims(token), i, value;
    if (claims === null) { return null; }
    if (Object.prototype.hasOwnProperty.call(claims, 'utypid') && claims.utypid !== 3) {
        return null;  // an admin or integration token: not one shopper
    }
    for (i = 0; i < CLAIMS.length; i++) {
        value = claims[CLAIMS[i]];
        if (typeof value === 'string' && value !== '') { return value; }
        if (typeof value === 'number' && Number.isInteger(value)) { return String(value); }
    }
    return null;
}

function cartId(path) {
    var found = CART.exec(path);
    return found === null || NOT_CART[found[1]] ? null : found[1];
}

function cookieValue(header) {
    if (!header || header.indexOf(COOKIE) < 0) { return null; }
    var parts = header.split(';'), i, part, eq;
    for (i = 0; i < parts.length; i++) {
        part = parts[i].trim();
        eq = part.indexOf('=');
        if (eq >= 0 && part.slice(0, eq) === COOKIE && eq < part.length - 1) {
            return part.slice(eq + 1);
        }
    }
    return null;
}

// [kind, value, fresh]: the sticky key of a request; `fresh` when a cookie must be issued
function cohortKey(authorization, path, cookie, freshCookie) {
    var token = bearer(authorization), customer;
    if (token !== null) {
        customer = customerId(token);
        if (customer !== null) { return ['customer', customer, false]; }
    }
    var cart = cartId(path);
    if (cart !== null) { return ['cart', cart, false]; }
    if (cookie) { return ['cookie', cookie, false]; }
    if (token !== null) { return ['token', hex(blake2b(utf8(token), 16)), false]; }
    return ['cookie', freshCookie, true];
}

// $ficus_plan is "split:<share>:<new decision>:<otherwise decision>:<cookie max-age>"
function decide(r) {
    var plan = r.variables.ficus_plan.split(':');
    var path = r.variables.request_uri.split('?')[0];
    var key = cohortKey(r.headersIn.Authorization, path, cookieValue(r.headersIn.Cookie),
                        r.variables.request_id.slice(0, 24));
    if (key[2]) {
        r.variables.ficus_cookie = COOKIE + '=' + key[1] + '; Path=/; Max-Age=' + plan[6]
            + '; HttpOnly; SameSite=Lax';
    }
    var isNew = bucketOf(key[0], key[1]) < Number(plan[1]);
    return isNew ? plan[2] + ':' + plan[3] : plan[4] + ':' + plan[5];
}

export default {decide: decide, bucketOf: bucketOf, cohortKey: cohortKey, cookieValue: cookieValue,
                blake2b: blake2b};
