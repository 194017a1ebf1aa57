-- Ficus nginx plane: the cohort decision for canary / dual splits (lua-nginx-module, LuaJIT).
--
-- It mirrors ficus_proxy.core.bucketing and ficus_proxy.cohort byte for byte, so a shopper
-- lands on the same side whichever plane serves them, and believes only what it can verify:
-- the key is the customer id (uid) of a customer JWT Magento signed (HS256 with the key Magento
-- derives from env.php's crypt/key, unexpired, utypid 3), else the cart id in the path, else
-- the value of a ficus_cohort cookie signed with a known cohort key (ficus_contracts.cohort:
-- "<key id>.<value>.<base64url HMAC-SHA256>"), else a hash of a valid admin JWT, else a fresh
-- cookie; the bucket is BLAKE2b-64 of "kind:value", big-endian, mod 100. A forged token or
-- cookie counts as none. HMAC-SHA256 is OpenSSL's, through Debian's lua-luaossl.
-- Only requests whose domain sits at canary / dual N% (0 < N < 100) call into this module.

local ffi = require "ffi"
local bit = require "bit"
local cjson = require "cjson.safe"
local hmac = require "openssl.hmac"

local bxor, ror, bswap = bit.bxor, bit.ror, bit.bswap
local COOKIE = "ficus_cohort"
local CART = [[/V1/(?:guest-carts|carts)/([^/?]+)]]
local NOT_CART = { mine = true, search = true }
local COOKIE_VALUE = [[^[A-Za-z0-9_-]{1,64}$]]
local KEY_ID = [[^[A-Za-z0-9_-]{1,16}$]]
local JWT_KEY_LENGTH = 2048
local USER_ADMIN, USER_CUSTOMER = 2, 3  -- Magento's UserContextInterface user types
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

-- the keys (configure): Magento's JWT key, and the cohort cookie keys, current first
local keys = { jwt = nil, cookies = {}, current = nil }

local function hmac_sha256(key, data)
    return hmac.new(key, "sha256"):final(data)
end

local function b64url(bytes)
    return (ngx.encode_base64(bytes, true):gsub("%+", "-"):gsub("/", "_"))
end

local function b64url_json(part)
    local data = part:gsub("%-", "+"):gsub("_", "/")
    if data:find("[^%w+/]") or #data % 4 == 1 then return nil end
    local decoded = ngx.decode_base64(data .. string.rep("=", (4 - #data % 4) % 4))
    local value = decoded and cjson.decode(decoded)
    return type(value) == "table" and value or nil
end

-- Magento's HS256 key from crypt/key (ficus_legacy.tokens.signing_key): its last key,
-- "&"-padded on both sides to 2048 (the smaller half on the left)
local function signing_key(crypt_key)
    local last
    for key in crypt_key:gmatch("%S+") do last = key end
    if last == nil then return nil end
    local padding = math.max(JWT_KEY_LENGTH - #last, 0)
    local left = math.floor(padding / 2)
    return string.rep("&", left) .. last .. string.rep("&", padding - left)
end

-- configure(crypt_key, cohort_keys): cohort_keys a list of {id, secret}, the first signs; none:
-- one key "m" derived from the JWT key (ficus_contracts.cohort.cookie_keys)
local function configure(crypt_key, cohort_keys)
    local jwt = signing_key(crypt_key or "")
    assert(jwt, "ficus.lua: Magento's crypt key is empty")
    if cohort_keys == nil or #cohort_keys == 0 then
        cohort_keys = { { "m", (hmac_sha256(jwt, "ficus_cohort cookie"):gsub(".", function(c)
            return string.format("%02x", c:byte())
        end)) } }
    end
    local cookies = {}
    for _, pair in ipairs(cohort_keys) do
        assert(ngx.re.find(pair[1], KEY_ID, "jo") and pair[2] ~= "", "ficus.lua: bad cohort key")
        cookies[pair[1]] = pair[2]
    end
    keys = { jwt = jwt, cookies = cookies, current = cohort_keys[1][1] }
end

-- configure from a JSON file {"crypt_key": "...", "cohort_keys": [["id", "secret"], ...]}
local function load_keys(path)
    local file = assert(io.open(path), "ficus.lua: cannot read " .. path)
    local document = cjson.decode(file:read("*a"))
    file:close()
    assert(type(document) == "table", "ficus.lua: " .. path .. " is not a JSON object")
    configure(document.crypt_key, document.cohort_keys)
end

local function integer(value)
    if type(value) == "string" and value:match("^%s*[+-]?%d+%s*$") then value = tonumber(value) end
    if type(value) == "number" and value == math.floor(value) and math.abs(value) < 2^53 then
        return value
    end
    return nil
end

-- the user of a valid Magento JWT (ficus_legacy.tokens.verify, no revocation check):
-- type and id, else nil
local function jwt_user(token)
    if keys.jwt == nil then return nil end
    local head, payload, signature = token:match("^([^.]*)%.([^.]*)%.([^.]*)$")
    if head == nil then return nil end
    local header = b64url_json(head)
    if header == nil or header.alg ~= "HS256" then return nil end
    if b64url(hmac_sha256(keys.jwt, head .. "." .. payload)) ~= signature:gsub("=+$", "") then
        return nil
    end
    local claims = b64url_json(payload)
    if claims == nil then return nil end
    local uid, utypid = integer(claims.uid), integer(claims.utypid)
    local iat, exp, now = integer(claims.iat), integer(claims.exp), ngx.now()
    if uid == nil or utypid == nil or iat == nil or exp == nil then return nil end
    if now >= exp or iat > now then return nil end
    if type(claims.nbf) == "number" and claims.nbf > now then return nil end
    return utypid, string.format("%d", uid)
end

-- the value of a cohort cookie signed with a known key, and whether that key is the current
local function open_cookie(cookie)
    if cookie == nil then return nil end
    local id, value, mac = cookie:match("^([^.]*)%.([^.]*)%.(.*)$")
    local key = id and keys.cookies[id]
    if key == nil or not ngx.re.find(value, COOKIE_VALUE, "jo") then return nil end
    if b64url(hmac_sha256(key, id .. "." .. value)) ~= mac then return nil end
    return value, id == keys.current
end

local function sign_cookie(value)
    local id = keys.current
    return id .. "." .. value .. "." .. b64url(hmac_sha256(keys.cookies[id], id .. "." .. value))
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

-- kind, value, issue: the sticky key of a request; `issue` when a signed cookie with `value`
-- must be set (a fresh one, or one signed with an older key). `cookie` is the raw cookie value.
local function cohort_key(authorization, path, cookie, fresh_cookie)
    local token = bearer(authorization)
    local user, id
    if token ~= nil then user, id = jwt_user(token) end
    if user == USER_CUSTOMER then return "customer", id, false end
    local cart = cart_id(path)
    if cart ~= nil then return "cart", cart, false end
    local value, current = open_cookie(cookie)
    if value ~= nil then return "cookie", value, not current end
    if user == USER_ADMIN then
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
    assert(keys.current, "ficus.lua: no keys (the plane's Magento crypt key is not configured)")
    local kind, value, issue = cohort_key(var.http_authorization, path,
        cookie_value(var.http_cookie), var.request_id:sub(1, 24))
    if issue then
        var.ficus_cookie = COOKIE .. "=" .. sign_cookie(value) .. "; Path=/; Max-Age=" .. max_age
            .. "; HttpOnly; SameSite=Lax"
    end
    return bucket_of(kind, value) < tonumber(share) and new or otherwise
end

-- The circuit breakers of the new backends, one per "<domain>:r|w", set by the agent (its
-- guard's breaker, fed from the access log; PUT /_ficus/breakers). "<key>" present: tripped,
-- its value the probe's time-out; "<key>:cool" (ttl = the cool-down) refuses every request;
-- once it has expired, one probe goes through ("<key>:probe", ttl = the probe's time-out) and
-- the others are refused until the agent closes the breaker or opens it again.
local function admitted(key)
    local dict = ngx.shared.ficus_breakers
    local probe = dict:get(key)
    if probe == nil then return true end
    if dict:get(key .. ":cool") ~= nil then return false end
    return (dict:add(key .. ":probe", true, probe)) == true
end

-- the decision for a request on route `key` ("<domain>:r|w"): its plan in the shared dict
-- (absent: Magento), resolved to one side for a split; a new backend whose breaker refuses
-- the request is not asked: a read goes to Magento, a write is refused (503, logged)
local function route(key)
    local plan = ngx.shared.ficus_plans:get(key) or "legacy:-"
    local decision = plan
    if plan:sub(1, 6) == "split:" then decision = decide(plan) end
    local mode, domain = decision:match("^(%a+):(.+)$")
    if mode ~= "read" and mode ~= "write" then return decision end
    if admitted(domain .. ":" .. mode:sub(1, 1)) then return decision end
    return mode == "read" and "legacy:-" or ("reject:" .. domain)
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

-- an admin listener's endpoint: PUT a JSON object `apply` takes (true: 204, else 400); GET
-- the JSON text `show` returns
local function admin_endpoint(apply, show)
    if ngx.req.get_method() == "PUT" then
        ngx.req.read_body()
        local body = cjson.decode(ngx.req.get_body_data() or "")
        return ngx.exit(type(body) == "table" and apply(body) and 204 or 400)
    end
    ngx.header["Content-Type"] = "application/json"
    ngx.say(show())
end

-- the admin listener's /_ficus/plans: GET {"version": n, "plans": {...}}; PUT the same shape
local function admin()
    local dict = ngx.shared.ficus_plans
    admin_endpoint(function(body)
        if type(body.plans) ~= "table" or type(body.version) ~= "number" then return false end
        load_plans(body.plans, body.version)
        return true
    end, function()
        local plans = {}
        for _, key in ipairs(dict:get_keys(0)) do
            if key ~= "version" then plans[key] = dict:get(key) end
        end
        return cjson.encode({ version = dict:get("version") or 0, plans = plans })
    end)
end

local function set_breaker(dict, body)
    local key = body.key
    if body.state == "open" and type(body.cooldown) == "number" and type(body.probe) == "number" then
        dict:set(key, math.max(body.probe, 0.001))
        dict:set(key .. ":cool", true, math.max(body.cooldown, 0.001))  -- a ttl of 0 never expires
        dict:delete(key .. ":probe")
    elseif body.state == "closed" then
        dict:delete(key)
        dict:delete(key .. ":cool")
        dict:delete(key .. ":probe")
    elseif body.state == "release" then
        dict:delete(key .. ":probe")
    else
        return false
    end
    return true
end

-- the admin listener's /_ficus/breakers: GET {"<domain>:r|w": "open"|"half_open"} (tripped
-- ones only); PUT {"key", "state": "open", "cooldown", "probe"} | {"key", "state": "closed"}
-- | {"key", "state": "release"} (the probe's outcome said nothing: let another through)
local function breakers()
    local dict = ngx.shared.ficus_breakers
    admin_endpoint(function(body)
        return type(body.key) == "string" and set_breaker(dict, body)
    end, function()
        local out = {}
        for _, key in ipairs(dict:get_keys(0)) do
            if not key:find(":cool$") and not key:find(":probe$") then
                out[key] = dict:get(key .. ":cool") ~= nil and "open" or "half_open"
            end
        end
        return next(out) == nil and "{}" or cjson.encode(out)
    end)
end

-- a framework's "no such route" (FastAPI's {"detail": "Not Found"} / "Method Not Allowed"),
-- as ficus_proxy.core.failure.is_route_miss: not a domain 404 such as Magento's {"message"}
local MISS_DETAILS = { ["Not Found"] = true, ["Method Not Allowed"] = true }
local function is_route_miss(status, body)
    if (status ~= 404 and status ~= 405) or body == nil or body == "" then return false end
    local document = cjson.decode(body)
    if type(document) ~= "table" or not MISS_DETAILS[document.detail] then return false end
    return next(document, next(document)) == nil  -- `detail` is its only key
end

local HOP_BY_HOP = { ["content-length"] = true, connection = true, ["keep-alive"] = true,
    ["transfer-encoding"] = true, ["proxy-authenticate"] = true, trailer = true, upgrade = true }

-- @new_miss: the new backend answered a read 404/405, whose body nginx did not keep. Ask it
-- again (the read is safe) and look: no such route -> Magento answers, as after a 5xx; the
-- service's own 404 (a product that does not exist) -> the shopper gets it, as from the proxy
local function miss()
    local method = ngx.req.get_method() == "HEAD" and ngx.HTTP_HEAD or ngx.HTTP_GET
    local answer = ngx.location.capture("/_ficus/new_read",
        { method = method, copy_all_vars = true })
    if answer.truncated or answer.status >= 500 or is_route_miss(answer.status, answer.body) then
        return ngx.exec("@legacy")
    end
    ngx.status = answer.status
    for name, value in pairs(answer.header) do
        if not HOP_BY_HOP[name:lower()] then ngx.header[name] = value end
    end
    ngx.print(answer.body)
end

-- @shadowed (body filter): keep Magento's answer as it goes to the shopper, up to
-- $ficus_shadow_max bytes (a bigger one is not compared, as in the Python proxy)
local function keep_body()
    local ctx = ngx.ctx
    if ctx.shadow_skip then return end
    local chunk = ngx.arg[1]
    if chunk ~= "" then
        local kept = ctx.shadow_body or {}
        ctx.shadow_size = (ctx.shadow_size or 0) + #chunk
        if ctx.shadow_size > tonumber(ngx.var.ficus_shadow_max) then
            ctx.shadow_skip, ctx.shadow_body = true, nil
            return
        end
        kept[#kept + 1] = chunk
        ctx.shadow_body = kept
    end
end

local function post_copy(premature, host, port, payload)
    if premature then return end
    local sock = ngx.socket.tcp()
    sock:settimeout(2000)
    local ok, err = sock:connect(host, port)
    if ok then
        ok, err = sock:send({ "POST /_ficus/shadow HTTP/1.1\r\nHost: ", host,
            "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ",
            tostring(#payload), "\r\n\r\n", payload })
    end
    local line = ok and sock:receive("*l")
    if not line or not line:find("^HTTP/1%.%d 202") then
        ngx.log(ngx.WARN, "ficus shadow copy not taken: ", line or err or "no answer")
    end
    sock:close()
end

-- @shadowed (log phase: the shopper has the answer): hand the request and Magento's answer
-- to the comparer, from a timer (cosockets are not allowed here, and nothing waits for it)
local function shadow_copy()
    local ctx, var = ngx.ctx, ngx.var
    if ctx.shadow_skip or ngx.status == 0 then return end
    local headers = {}
    for name, value in pairs(ngx.req.get_headers(100, true)) do
        if type(value) == "table" then
            for _, each in ipairs(value) do headers[#headers + 1] = { name, each } end
        else
            headers[#headers + 1] = { name, value }
        end
    end
    local payload = cjson.encode({
        method = ngx.req.get_method(), path = var.request_uri, headers = headers,
        peer = var.realip_remote_addr, scheme = var.scheme, rid = var.ficus_rid,
        legacy_status = ngx.status,
        legacy_body = ngx.encode_base64(table.concat(ctx.shadow_body or {})),
    })
    local ok, err = ngx.timer.at(0, post_copy, var.ficus_shadow_host,
        tonumber(var.ficus_shadow_port), payload)
    if not ok then ngx.log(ngx.WARN, "ficus shadow copy not sent: ", err) end
end

return {
    breakers = breakers,
    keep_body = keep_body,
    shadow_copy = shadow_copy,
    miss = miss,
    is_route_miss = is_route_miss,
    route = route,
    load_plans = load_plans,
    admin = admin,
    decide = decide,
    configure = configure,
    load_keys = load_keys,
    sign_cookie = sign_cookie,
    bucket_of = bucket_of,
    cohort_key = cohort_key,
    cookie_value = cookie_value,
}
