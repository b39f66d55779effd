-- Quote: POST /api/quote, one cart with a complete United States address, as the checkout
-- page sends it while the shopper types; a new cart id on every request, all else the same,
-- so the shop's answer stays the bytes the baseline sends.
-- Arguments after `--`: a token unique to this run, then the body's JSON before the cart id's
-- value and after it (bench/run.py splits its one body there).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "carts.lua")

local before, after = "", ""

function init(args)
  if #args ~= 3 then error("pass a run token and the body's two halves after --") end
  start_carts(args[1])
  before, after = args[2], args[3]
end

function request()
  return wrk.format("POST", "/api/quote", {["Content-Type"] = "application/json"},
    before .. next_cart_id() .. after)
end
