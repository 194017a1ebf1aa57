-- Ficus nginx plane: the cohort decision for canary / dual splits (lua-nginx-module, LuaJIT).
--
-- It mirrors ficus_proxy.core.bucketing byte for byte, so a shopper lands on the same side
-- whichever plane serves them: the key is the customer id of a customer bearer JWT (uid when
-- utypid is 3, else sub or customer_id; the signature is not checked, as in the Python proxy),
-- else the cart id in the path, else the ficus_cohort cookie, else a hash of an opaque bearer
-- token, else a fresh cookie; the bucket is BLAKE2b-64 of "kind:value", big-endian, mod 100.
-- Only requests whose domain sits at canary / dual N% (0 < N < 100) call into this module.

local ffi = require "ffi"
local bit = require "bit"
local cjson = require "cjson.safe"

local bxor, ror, bswap = bit.bxor, bit.ror, bit.bswap
local COOKIE = "ficus_cohort"
local CART = [[/V1/(?:guest-carts|carts)/([^/?]+)]]
local NOT_CART = { mine = true, search = true }
local CLAIMS = { "uid", "sub", "customer_id" }
local IV = ffi.new("uint64_t[8]", 0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL,
    0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL, 0x510e527fade682d1ULL,
    0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL)
local SIGMA = {
    { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
    { 14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3 },
    { 11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4 },
    { 7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8 },
    { 9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13 },
    { 2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9 },
    { 12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11 },
    { 13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10 },
    { 6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5 },
    { 10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0 },
}

-- one state per worker process (a worker runs one request's Lua at a time)
local v = ffi.new("uint64_t[16]")
local h = ffi.new("uint64_t[8]")
local block = ffi.new("uint8_t[128]")
local m = ffi.cast("const uint64_t *", block)  -- little-endian words (x86-64, arm64)
local digest = ffi.cast("const uint8_t *", h)

local function G(a, b, c, d, x, y)
    v[a] = v[a] + v[b] + x; v[d] = ror(bxor(v[d], v[a]), 32)
    v[c] = v[c] + v[d];     v[b] = ror(bxor(v[b], v[c]), 24)
    v[a] = v[a] + v[b] + y; v[d] = ror(bxor(v[d], v[a]), 16)
    v[c] = v[c] + v[d];     v[b] = ror(bxor(v[b], v[c]), 63)
end

local function compress(counter, last)
    for i = 0, 7 do v[i] = h[i]; v[i + 8] = IV[i] end
    v[12] = bxor(v[12], counter)
    if last then v[14] = bit.bnot(v[14]) end
    for r = 0, 11 do
        local s = SIGMA[r % 10 + 1]
        G(0, 4, 8, 12, m[s[1]], m[s[2]]);   G(1, 5, 9, 13, m[s[3]], m[s[4]])
        G(2, 6, 10, 14, m[s[5]], m[s[6]]);  G(3, 7, 11, 15, m[s[7]], m[s[8]])
        G(0, 5, 10, 15, m[s[9]], m[s[10]]); G(1, 6, 11, 12, m[s[11]], m[s[12]])
        G(2, 7, 8, 13, m[s[13]], m[s[14]]); G(3, 4, 9, 14, m[s[15]], m[s[16]])
    end
    for i = 0, 7 do h[i] = bxor(h[i], v[i], v[i + 8]) end
end

-- BLAKE2b (unkeyed) of `s`, `outlen` bytes, left in `h` (read through `digest`)
local function blake2b(s, outlen)
    for i = 0, 7 do h[i] = IV[i] end
    h[0] = bxor(h[0], 0x01010000ULL + outlen)
    local n, done = #s, 0
    repeat
        local take = math.min(128, n - done)
        ffi.fill(block, 128)
        ffi.copy(block, s:sub(done + 1, done + take), take)
        done = done + take
        compress(ffi.cast("uint64_t", done), done >= n)
    until done >= n
end

local function bucket_of(kind, value)
    blake2b(kind .. ":" .. value, 8)
    return tonumber(bswap(h[0]) % 100ULL)
end

local function hex(bytes)
    local out = {}
    for i = 0, bytes - 1 do out[#out + 1] = string.format("%02x", digest[i]) end
    return table.concat(out)
end

local function bearer(authorization)
    if not authorization or authorization == "" then return nil end
    local scheme, token = authorization:match("^([^ ]*) ?(.*)$")
    token = token:match("^%s*(.-)%s*$")
    if scheme:lower() == "bearer" and token ~= "" then return token end
    return nil
end

local function jwt_claims(token)
    local _, dots = token:gsub("%.", "")
    if dots ~= 2 then return nil end
    local data = token:match("^[^.]*%.([^.]*)%.")
    data = data:gsub("-", "+"):gsub("_", "/"):match("^[^=]*"):gsub("[^%w+/]", "")
    if #data % 4 == 1 then return nil end
    local decoded = ngx.decode_base64(data .. string.rep("=", (4 - #data % 4) % 4))
    local claims = decoded and cjson.decode(decoded)
    return type(claims) == "table" and claims or nil
end

local function customer_id(token)
    local claims = jwt_claims(token)
    if claims == nil then return nil end
    if claims.utypid ~= nil and claims.utypid ~= 3 then
        return nil  -- an admin or integration token: not one shopper
    end
    for _, name in ipairs(CLAIMS) do
        local value = claims[name]
        if type(value) == "string" and value ~= "" then return value end
        if type(value) == "number" and value == math.floor(value) and math.abs(value) < 2^53 then
            return string.format("%d", value)
        end
    end
    return nil
end

local function cart_id(path)
    local found = ngx.re.match(path, CART, "jo")
    if found == nil or NOT_CART[found[1]] then return nil end
    return found[1]
end

local function cookie_value(header)
    if not header or not header:find(COOKIE, 1, true) then return nil end
    for part in (header .. ";"):gmatch("([^;]*);") do
        local key, value = part:match("^%s*(.-)%s*$"):match("^([^=]*)=(.*)$")
        if key == COOKIE and value ~= "" then return value end
    end
    return nil
end

-- kind, value, fresh: the sticky key of a request; `fresh` when a cookie must be issued
local function cohort_key(authorization, path, cookie, fresh_cookie)
    local token = bearer(authorization)
    if token ~= nil then
        local customer = customer_id(token)
        if customer ~= nil then return "customer", customer, false end
    end
    local cart = cart_id(path)
    if cart ~= nil then return "cart", cart, false end
    if cookie then return "cookie", cookie, false end
    if token ~= nil then
        blake2b(token, 16)
        return "token", hex(16), false
    end
    return "cookie", fresh_cookie, true
end

-- the side of a request whose plan is
-- "split:<share>:<new decision>:<otherwise decision>:<cookie max-age>"
local function decide(plan)
    local var = ngx.var
    local share, new, otherwise, max_age =
        plan:match("^split:(%d+):([^:]+:[^:]+):([^:]+:[^:]+):(%d+)$")
    local path = var.request_uri:match("^[^?]*")
    local kind, value, fresh = cohort_key(var.http_authorization, path,
        cookie_value(var.http_cookie), var.request_id:sub(1, 24))
    if fresh then
        var.ficus_cookie = COOKIE .. "=" .. value .. "; Path=/; Max-Age=" .. max_age
            .. "; HttpOnly; SameSite=Lax"
    end
    return bucket_of(kind, value) < tonumber(share) and new or otherwise
end

-- the decision for a request on route `key` ("<domain>:r|w"): its plan in the shared dict
-- (absent: Magento), resolved to one side for a split
local function route(key)
    local plan = ngx.shared.ficus_plans:get(key) or "legacy:-"
    if plan:sub(1, 6) ~= "split:" then return plan end
    return decide(plan)
end

-- replace the plans: keys absent from `plans` go back to Magento
local function load_plans(plans, version)
    local dict = ngx.shared.ficus_plans
    for key, plan in pairs(plans) do dict:set(key, plan) end
    for _, key in ipairs(dict:get_keys(0)) do
        if key ~= "version" and plans[key] == nil then dict:delete(key) end
    end
    dict:set("version", version)
end

-- the admin listener's /_ficus/plans: GET {"version": n, "plans": {...}}; PUT the same shape
local function admin()
    local dict = ngx.shared.ficus_plans
    if ngx.req.get_method() == "PUT" then
        ngx.req.read_body()
        local body = cjson.decode(ngx.req.get_body_data() or "")
        if type(body) ~= "table" or type(body.plans) ~= "table"
            or type(body.version) ~= "number" then
            return ngx.exit(400)
        end
        load_plans(body.plans, body.version)
        return ngx.exit(204)
    end
    local plans = {}
    for _, key in ipairs(dict:get_keys(0)) do
        if key ~= "version" then plans[key] = dict:get(key) end
    end
    ngx.header["Content-Type"] = "application/json"
    ngx.say(cjson.encode({ version = dict:get("version") or 0, plans = plans }))
end

return {
    route = route,
    load_plans = load_plans,
    admin = admin,
    decide = decide,
    bucket_of = bucket_of,
    cohort_key = cohort_key,
    cookie_value = cookie_value,
}
