data_return_rule = false
