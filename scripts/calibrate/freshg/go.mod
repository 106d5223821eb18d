module gsched/calibrate/freshg

go 1.19
