print("paygate")
