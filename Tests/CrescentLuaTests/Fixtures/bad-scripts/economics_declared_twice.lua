-- expect: validation
-- problem at 4: economics: a script declares its economics once; they are already declared on line 3
economics { margin = 0.3 }
economics { margin = 0.4 }
