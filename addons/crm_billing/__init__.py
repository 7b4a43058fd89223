"Appeals CRM: billing (meters, readings, charges, payments, receipts)."
