Return-Path: <>
Delivered-To: bounces@tx.example.com
Received: from tx1.example.com (tx1.example.com [203.0.113.50])
	by inbound.lists.example.com (Postfix) with ESMTPS id 4dMc5q2WtKz3Hf1
	for <bounces@tx.example.com>; Tue, 20 Oct 2026 08:05:13 +0000 (UTC)
Received: from localhost (localhost)
	by tx1.example.com (8.18.1/8.18.1) id 69K85C1q004417;
	Tue, 20 Oct 2026 08:05:12 GMT
Date: Tue, 20 Oct 2026 08:05:12 GMT
From: Mail Delivery Subsystem <MAILER-DAEMON@tx1.example.com>
Message-Id: <202610200805.69K85C1q004417@tx1.example.com>
To: <bounces@tx.example.com>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="69K85C1q004417.1792483512/tx1.example.com"
Subject: Returned mail: see transcript for details
Auto-Submitted: auto-generated (failure)

This is a MIME-encapsulated message

--69K85C1q004417.1792483512/tx1.example.com

The original message was received at Thu, 15 Oct 2026 08:02:41 GMT
from app5.example.com [203.0.113.42]

   ----- The following addresses had permanent fatal errors -----
<orders@kleinladen.example>
    (reason: Connection timed out)

   ----- Transcript of session follows -----
<orders@kleinladen.example>... Deferred: Connection timed out with mx.kleinladen.example.
Message could not be delivered for 5 days
Message will be deleted from queue

--69K85C1q004417.1792483512/tx1.example.com
Content-Type: message/delivery-status

Reporting-MTA: dns; tx1.example.com
Received-From-MTA: DNS; app5.example.com
Arrival-Date: Thu, 15 Oct 2026 08:02:41 GMT

Final-Recipient: RFC822; orders@kleinladen.example
Action: failed
Status: 4.4.7
Remote-MTA: DNS; mx.kleinladen.example
Last-Attempt-Date: Tue, 20 Oct 2026 08:05:12 GMT

--69K85C1q004417.1792483512/tx1.example.com
Content-Type: message/rfc822

Return-Path: <bounces@tx.example.com>
Received: from app5.example.com (app5.example.com [203.0.113.42])
	by tx1.example.com (8.18.1/8.18.1) with ESMTPS id 69F82f1q003981
	(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT)
	for <orders@kleinladen.example>; Thu, 15 Oct 2026 08:02:41 GMT
From: Example Outfitters Wholesale <wholesale@example.com>
To: orders@kleinladen.example
Subject: Order confirmation W-2026-1187 (delivery week 44)
Date: Thu, 15 Oct 2026 08:02:40 +0000
Message-ID: <wholesale.W-2026-1187.1792051360@example.com>
MIME-Version: 1.0
X-Listhygiene-Rid: v1.b2b-0412.wconf.Ty5Kq8Nw1Zb4Lx7Rc2Vm
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Dear customer,

thank you for your order W-2026-1187. We will deliver in week 44.

  12 x Ridgeline 3-season tent, olive
  24 x Merino base layer, assorted sizes

Kind regards,
Example Outfitters Wholesale

--69K85C1q004417.1792483512/tx1.example.com--
