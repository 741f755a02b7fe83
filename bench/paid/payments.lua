-- wrk script for bench/paid.py: every request carries its own payment, used once.
--   wrk ... -s payments.lua URL -- HEADER_FILE_PREFIX PATH [HEADER_NAME]
-- Thread k (1-based) reads HEADER_FILE_PREFIX.k, one header value per line (its own slice, so
-- no two threads share a payment), and sends them in order. A thread that runs out keeps
-- resending its last payment (the server must refuse those as replays) and counts them in
-- `exhausted`; done() prints per-thread use so the driver can check that none ran out.
local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

function init(args)
   local name = args[3] or "PAYMENT-SIGNATURE"
   requests = {}
   for line in io.lines(args[1] .. "." .. id) do
      requests[#requests + 1] = wrk.format("GET", args[2], { [name] = line })
   end
   if #requests == 0 then error("no payments in " .. args[1] .. "." .. id) end
   used = 0
   exhausted = 0
end

function request()
   used = used + 1
   if used > #requests then
      exhausted = exhausted + 1
      return requests[#requests]
   end
   return requests[used]
end

function done(summary, latency, requests)
   for _, thread in ipairs(threads) do
      io.write(string.format("payments thread %d used %d exhausted %d\n",
         thread:get("id"), thread:get("used"), thread:get("exhausted")))
   end
end
