"Helper tools of the appeals CRM: demo-data generator and benchmark."
